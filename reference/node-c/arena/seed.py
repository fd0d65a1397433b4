"""The reference node's principals: two teams and a solo principal (red: alice, bob; blue: carol;
dave alone).

Alone (ARENA_VPN_STATE unset), the node writes them as its own state and keeps the simulated clients'
private keys beside it (clients/<id>.key), as a principal's device would hold them; a real node C never
sees them. Fed from B (`arena vpn seed`, run by the reference fleet once B answers), it makes them on B
over B's player API instead, with public keys only (no device: `arena vpn clients up` makes those), so
B's state has teams and peers for `vpn test` from the start."""
import base64
import json
import os
import secrets
import sys

from . import enrol, wg
from .player import Api, ApiError

TEAMS = [("red", "10.200.1.0/24", False, ["alice", "bob"]), ("blue", "10.200.2.0/24", False, ["carol"]), ("solo-dave", "10.200.3.0/24", True, ["dave"])]


def on_b(api: Api) -> list:
    """Make the principals on B; a team whose first member B already has counts as seeded (created: false)."""
    made = []
    for team_id, _subnet, solo, members in TEAMS:
        plan = [enrol.Member(m, f"{m}@seed.arena.test", secrets.token_urlsafe(18), base64.b64encode(secrets.token_bytes(32)).decode()) for m in members]
        try:
            enrolled, _code = enrol.group(api, None if solo else team_id, plan)
        except ApiError as exc:
            if exc.status == 409 and "is already registered" in str(exc):
                made += [{"id": m, "team": team_id, "created": False} for m in members]
                continue
            raise
        made += [{"id": m, "team": team_id, "created": True, "address": e["address"]} for m, e in zip(members, enrolled)]
    return made


def main(path: str) -> None:
    clients = os.path.join(os.path.dirname(path), "clients")
    os.makedirs(clients, mode=0o700, exist_ok=True)
    teams, principals, host = [], [], 2
    for team_id, subnet, solo, members in TEAMS:
        teams.append({"id": team_id, "subnet": subnet, "solo": solo})
        for member in members:
            private, public = wg.keypair()
            with open(os.open(os.path.join(clients, f"{member}.key"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
                handle.write(private + "\n")
            principals.append({"id": member, "team": team_id, "publicKey": public, "address": f"10.66.0.{host}"})
            host += 1
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"version": 1, "teams": teams, "principals": principals}, handle, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])
