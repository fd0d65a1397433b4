"""HTTP: team create, join, leave, show."""
from . import app, teams
from .web import HttpError, Route


def create(req):
    with app.transaction() as cur:
        team, code = teams.create(cur, app.user(req, cur), req.field("name"))
    # The join code is shown once, to the creator, who passes it to teammates.
    return 201, {"team": team, "joinCode": code}


def join(req):
    with app.transaction() as cur:
        team = teams.join(cur, app.user(req, cur), req.params["name"], req.field("joinCode"))
    return 200, {"team": team}


def leave(req):
    with app.transaction() as cur:
        team = teams.leave(cur, app.user(req, cur), req.params["name"])
    return 200, {"team": team}


def show(req):
    with app.transaction() as cur:
        user = app.user(req, cur)
        team = teams.get(cur, req.params["name"])
        if not user["isAdmin"] and user["handle"] not in team["members"]:
            raise HttpError(403, f"not a member of team {team['name']}")
    return 200, {"team": team}


ROUTES = [
    Route("POST", "/api/teams", create),
    Route("GET", "/api/teams/{name}", show),
    Route("POST", "/api/teams/{name}/join", join),
    Route("POST", "/api/teams/{name}/leave", leave),
]
