"""Node C's VPN: its configuration, the live state against the desired one, and reconcile."""
import fcntl
import ipaddress
from contextlib import contextmanager
from dataclasses import dataclass

from . import mutant, netfilter, routes, settings, state, wg

LOCK_FILE = "/run/arena-vpn.lock"


@dataclass(frozen=True)
class Vpn:
    interface: str
    address: ipaddress.IPv4Interface
    port: int
    state_url: str
    uplink: str
    gateway: str
    probe_net: ipaddress.IPv4Network
    state_token: str = ""
    # B's API, for the simulated clients (empty when the node seeds its own state).
    api_url: str = ""
    # Seconds between the reconciler's passes; 0: reconcile only at boot and on request.
    reconcile_interval: float = 0.0

    def desired(self) -> state.State:
        return state.load(self.state_url, self.address.network, self.probe_net, self.state_token or None)


def configured() -> Vpn:
    cfg = settings.require()
    return Vpn(
        cfg["ARENA_WG_INTERFACE"], ipaddress.IPv4Interface(cfg["ARENA_WG_ADDRESS"]), int(cfg["ARENA_WG_PORT"]),
        cfg["ARENA_VPN_STATE"], cfg["ARENA_VPN_UPLINK"], cfg["ARENA_VPN_UPLINK_GATEWAY"], ipaddress.IPv4Network(cfg["ARENA_VPN_PROBE_NET"]),
        cfg.get("ARENA_VPN_STATE_TOKEN", ""), cfg.get("ARENA_API_URL", ""), float(cfg.get("ARENA_VPN_RECONCILE_INTERVAL") or 0),
    )


@contextmanager
def exclusive():
    """One reconcile or test at a time: both change wg0, routes and rules."""
    with open(LOCK_FILE, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def drift(vpn: Vpn, desired: state.State, live: wg.Interface) -> dict:
    """Where the node differs from the state: peers, routes, forwarding rules."""
    by_key = {p.public_key: p for p in live.peers}
    wanted_keys = {p.public_key for p in desired.principals}
    live_routes = routes.live()
    rules = netfilter.live()
    allowed = netfilter.allowed_pairs(desired)
    accepted = rules["pairs"] if rules else set()
    return {
        "missingPeers": [p.id for p in desired.principals if p.public_key not in by_key],
        "wrongAllowedIps": [p.id for p in desired.principals if p.public_key in by_key and by_key[p.public_key].allowed_ips != (f"{p.address}/32",)],
        "stalePeers": sorted(k for k in by_key if k not in wanted_keys),
        "missingRoutes": [str(t.subnet) for t in desired.teams if live_routes.get(str(t.subnet)) != routes.wanted(vpn.gateway, vpn.uplink)],
        "staleRoutes": sorted(s for s in live_routes if s not in {str(t.subnet) for t in desired.teams}),
        "rules": {
            "table": rules is not None,
            "policy": rules["policy"] if rules else None,
            "missing": sorted(f"{a} -> {s}" for a, s in allowed - accepted),
            "extra": sorted(f"{a} -> {s}" for a, s in accepted - allowed),
        },
    }


def in_sync(found: dict) -> bool:
    rules = found["rules"]
    peers_and_routes = [found[k] for k in ("missingPeers", "wrongAllowedIps", "stalePeers", "missingRoutes", "staleRoutes")]
    return not any(peers_and_routes) and rules["table"] and rules["policy"] == "drop" and not rules["missing"] and not rules["extra"]


def reconcile(vpn: Vpn, desired: state.State) -> dict:
    """Make wg0, the routes and the rules what `desired` says; remove peers and routes it does not have."""
    live = wg.show(vpn.interface)
    by_key = {p.public_key: p for p in live.peers}
    added, updated, removed = [], [], []
    for principal in desired.principals:
        allowed = f"{principal.address}/32"
        current = by_key.get(principal.public_key)
        if current is None or current.allowed_ips != (allowed,):
            wg.set_peer(vpn.interface, principal.public_key, allowed)
            (added if current is None else updated).append(principal.id)
    wanted_keys = {p.public_key for p in desired.principals}
    # stale-peer-kept: a peer the state no longer has stays, and keeps its access.
    if not mutant.on("stale-peer-kept"):
        for key in sorted(set(by_key) - wanted_keys):
            wg.remove_peer(vpn.interface, key)
            removed.append(key)
    restored, dropped = [], []
    # reconcile-no-routes: the teams' routes are never put back.
    if not mutant.on("reconcile-no-routes"):
        live_routes = routes.live()
        for team in desired.teams:
            if live_routes.get(str(team.subnet)) != routes.wanted(vpn.gateway, vpn.uplink):
                routes.replace(str(team.subnet), vpn.gateway, vpn.uplink)
                restored.append(str(team.subnet))
        for subnet in sorted(set(live_routes) - {str(t.subnet) for t in desired.teams}):
            routes.delete(subnet)
            dropped.append(subnet)
    rules = netfilter.apply(desired, vpn.interface, vpn.uplink)
    return {
        "peers": {"added": added, "updated": updated, "removed": removed, "total": len(desired.principals)},
        "routes": {"restored": restored, "removed": dropped, "total": len(desired.teams)},
        "rules": {"accepts": rules},
    }
