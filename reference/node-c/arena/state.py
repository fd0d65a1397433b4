"""The desired VPN state, as B publishes it (`GET /api/vpn/state` on B; a file when the node seeds its own).

Document (version 1):
  {"version": 1,
   "teams": [{"id": "red", "subnet": "10.200.1.0/24", "solo": false}, ...],
   "principals": [{"id": "alice", "team": "red", "publicKey": "<base64 key>", "address": "10.66.0.2"}, ...]}
A solo principal is its own team (`solo: true`, exactly one principal). Each principal is one WireGuard
peer (AllowedIPs = its address/32) that may reach only its team's instance subnet.
"""
import base64
import binascii
import ipaddress
import json
import os
import urllib.request
from dataclasses import dataclass


class StateError(Exception):
    """The state could not be read, or it is not a valid version-1 document."""


@dataclass(frozen=True)
class Team:
    id: str
    subnet: ipaddress.IPv4Network
    solo: bool


@dataclass(frozen=True)
class Principal:
    id: str
    team: str
    public_key: str
    address: ipaddress.IPv4Address


@dataclass(frozen=True)
class State:
    source: str
    teams: tuple
    principals: tuple

    def team(self, team_id: str) -> Team:
        return next(t for t in self.teams if t.id == team_id)

    def members(self, team_id: str) -> list:
        return [p for p in self.principals if p.team == team_id]


def _read(url: str, token: str = None) -> bytes:
    if url.startswith("file://"):
        with open(url[len("file://"):], "rb") as handle:
            return handle.read()
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    # From the env file (a gate run's `env -i` passes no environment on); the process environment as a fallback.
    token = token or os.environ.get("ARENA_VPN_STATE_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def _key(value, where: str) -> str:
    try:
        if isinstance(value, str) and len(base64.b64decode(value, validate=True)) == 32:
            return value
    except binascii.Error:
        pass
    raise StateError(f"{where}.publicKey is not a WireGuard public key (32 bytes, base64)")


def _field(entry: dict, name: str, kind, where: str):
    value = entry.get(name)
    if not isinstance(value, kind):
        raise StateError(f"{where}.{name} is missing or not a {kind.__name__}")
    return value


def parse(doc, source: str, peers_net: ipaddress.IPv4Network, reserved: ipaddress.IPv4Network) -> State:
    """Validate a state document against the VPN's own addressing (peers' network, the probe net)."""
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise StateError("version must be 1")
    teams, principals = [], []
    for i, entry in enumerate(_field(doc, "teams", list, "state")):
        where = f"teams[{i}]"
        try:
            subnet = ipaddress.IPv4Network(_field(entry, "subnet", str, where))
        except ValueError as exc:
            raise StateError(f"{where}.subnet: {exc}") from None
        clash = next((t for t in teams if t.subnet.overlaps(subnet)), None)
        if clash:
            raise StateError(f"{where}.subnet {subnet} overlaps team {clash.id}'s {clash.subnet}")
        team_id = _field(entry, "id", str, where)
        if any(t.id == team_id for t in teams):
            raise StateError(f"{where}.id {team_id!r} is not unique")
        teams.append(Team(team_id, subnet, bool(entry.get("solo", False))))
    for i, entry in enumerate(_field(doc, "principals", list, "state")):
        where = f"principals[{i}]"
        principal_id, team_id = _field(entry, "id", str, where), _field(entry, "team", str, where)
        if not any(t.id == team_id for t in teams):
            raise StateError(f"{where}.team {team_id!r} is not a team of the state")
        try:
            address = ipaddress.IPv4Address(_field(entry, "address", str, where))
        except ValueError as exc:
            raise StateError(f"{where}.address: {exc}") from None
        if address not in peers_net or address in reserved:
            raise StateError(f"{where}.address {address} is outside {peers_net} or inside the reserved {reserved}")
        for other in principals:
            if principal_id == other.id or address == other.address:
                raise StateError(f"{where} repeats principal {other.id} (id or address)")
        principals.append(Principal(principal_id, team_id, _key(entry.get("publicKey"), where), address))
    keys = [p.public_key for p in principals]
    if len(set(keys)) != len(keys):
        raise StateError("two principals share one public key")
    for team in teams:
        if team.solo and len([p for p in principals if p.team == team.id]) != 1:
            raise StateError(f"solo team {team.id} must have exactly one principal")
    return State(source, tuple(teams), tuple(principals))


def load(url: str, peers_net: ipaddress.IPv4Network, reserved: ipaddress.IPv4Network, token: str = None) -> State:
    try:
        doc = json.loads(_read(url, token))
    except (OSError, ValueError) as exc:
        raise StateError(f"vpn state {url} unreadable: {exc}") from None
    try:
        return parse(doc, url, peers_net, reserved)
    except StateError as exc:
        raise StateError(f"vpn state {url}: {exc}") from None
