"""The reference node's own state when B does not feed one (ARENA_VPN_STATE unset): two teams and a
solo principal. The simulated clients' private keys are kept beside it (clients/<id>.key), as a
principal's device would hold them; a real node C never sees them."""
import json
import os
import sys

from . import wg

TEAMS = [("red", "10.200.1.0/24", False, ["alice", "bob"]), ("blue", "10.200.2.0/24", False, ["carol"]), ("solo-dave", "10.200.3.0/24", True, ["dave"])]


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
