"""A principal on B as a person makes one over B's player API: register, log in, then the team (the
first member creates it, the others join with its code) or the personal principal, then the device's
public key. Shared by the seeded principals and the simulated clients."""
from dataclasses import dataclass

from .player import Api


@dataclass(frozen=True)
class Member:
    handle: str
    email: str
    password: str
    public_key: str


def group(api: Api, team: str, members: list) -> tuple:
    """Enrol `members` in `team` (None: each their own personal principal, solo). ([{userId, address}], join code)."""
    code, enrolled = None, []
    for member in members:
        user = api.register(member.email, member.handle, member.password)
        session = api.login(member.email, member.password)
        if team is None:
            session.personal_principal()
        elif code is None:
            code = session.create_team(team)
        else:
            session.join_team(team, code)
        enrolled.append({"userId": user["id"], "address": session.set_key(member.public_key)})
    return enrolled, code
