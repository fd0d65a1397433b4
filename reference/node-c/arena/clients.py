"""Simulated VPN clients: each one a user on B (solo, or in a team of at most 4) made over B's player
API, with its own key pair and WireGuard config, in its own network namespace on this node: a veth pair
into the node's namespace and a wireguard-go of its own, its tunnel up to wg0. B's state then has its
peer, the reconciler puts it on wg0, and the peer handshakes. A spec on this node reaches a client by
its name, which is also its principal (B's handle), its namespace and its directory:

    ip netns exec <name> python3 -c ...        (its tunnel address is `address`, the node is 10.66.0.1)

Records: ROOT/<name>/client.json (public), secret.json (its password, mode 600), wg.conf (its private
key, mode 600); ROOT/teams/<team>.json the join code of a team the clients made."""
import fcntl
import ipaddress
import json
import os
import secrets
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone

from . import enrol, reconciler, wg
from .player import Api, ApiError
from .system import CommandError, run

ROOT = "/var/lib/arena/vpn-clients"
LOCK_FILE = "/run/arena-vpn-clients.lock"
# Every client name (B handle, namespace) starts so: what `down` sweeps, whoever made it.
PREFIX = "vc-"
# A link-local /30 per client joins its namespace to the node (node .1, client .2): no deployment address.
LINK_NET = ipaddress.IPv4Network("169.254.64.0/18")
MAX_CLIENTS = LINK_NET.num_addresses // 4
# What a client sends through its tunnel: every team's instance subnet (node C decides which it may reach).
INSTANCE_NET = "10.200.0.0/16"
TEAM_MAX = 4
WORKERS = 8


class ClientError(Exception):
    """A client could not be made, found or removed; the message says which and why."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write(path: str, doc: dict, private: bool = False) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644), "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=2, sort_keys=True)


def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@contextmanager
def _exclusive():
    with open(LOCK_FILE, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def records() -> list:
    if not os.path.isdir(ROOT):
        return []
    found = [_read(os.path.join(ROOT, n, "client.json")) for n in sorted(os.listdir(ROOT)) if os.path.exists(os.path.join(ROOT, n, "client.json"))]
    return sorted(found, key=lambda c: c["index"])


def record(name: str) -> dict:
    path = os.path.join(ROOT, name, "client.json")
    if not os.path.exists(path):
        raise ClientError(f"no simulated client {name!r} (clients: {', '.join(c['name'] for c in records()) or 'none'})")
    return _read(path)


def _save(client: dict) -> None:
    _write(os.path.join(ROOT, client["name"], "client.json"), client)


def _link(index: int) -> tuple:
    base = LINK_NET.network_address + 4 * index
    return str(base + 1), str(base + 2)


def plan_teams(count: int, team_size: int, solo_every: int) -> list:
    """Client i's team slot: None (solo) for every `solo_every`-th, else teams filled `team_size` at a time."""
    slots, team, filled = [], 0, team_size
    for i in range(count):
        if solo_every and (i + 1) % solo_every == 0:
            slots.append(None)
            continue
        if filled == team_size:
            team, filled = team + 1, 0
        slots.append(team)
        filled += 1
    return slots


def _session(api: Api, client: dict) -> Api:
    return api.login(client["email"], _read(os.path.join(ROOT, client["name"], "secret.json"))["password"])


def _enrol(api: Api, team: str, clients: list) -> None:
    members = [enrol.Member(c["name"], c["email"], c["password"], c["publicKey"]) for c in clients]
    enrolled, code = enrol.group(api, team, members)
    for client, done in zip(clients, enrolled):
        os.makedirs(os.path.join(ROOT, client["name"]), mode=0o700, exist_ok=True)
        _write(os.path.join(ROOT, client["name"], "secret.json"), {"password": client.pop("password")}, private=True)
        client.update(userId=done["userId"], address=done["address"])
        _save(client)
    if code:
        _write(os.path.join(ROOT, "teams", f"{team}.json"), {"joinCode": code}, private=True)


DEVICE_UP = """
ip netns add {netns}
ip link add {node_if} type veth peer name {client_if}
ip link set {client_if} netns {netns}
ip addr add {node_link}/30 dev {node_if}
ip link set {node_if} up
ip -n {netns} addr add {client_link}/30 dev {client_if}
ip -n {netns} link set {client_if} up
ip -n {netns} link set lo up
ip netns exec {netns} wireguard-go {wg_if} >/dev/null 2>&1
for _ in $(seq 100); do [ -S /var/run/wireguard/{wg_if}.sock ] && break; sleep 0.05; done
ip netns exec {netns} wg setconf {wg_if} {conf}
ip -n {netns} addr add {address}/32 dev {wg_if}
ip -n {netns} link set {wg_if} up
ip -n {netns} route add {instance_net} dev {wg_if}
ip -n {netns} route add {server}/32 dev {wg_if}
# A first packet to the node: the tunnel's handshake starts now, not at the spec's first attempt.
ip netns exec {netns} python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hi", ("{server}", 9))'
"""


def _device_up(client: dict, server_key: str, server: str, port: int) -> None:
    directory = os.path.join(ROOT, client["name"])
    conf = os.path.join(directory, "wg.conf")
    with open(os.path.join(directory, "wg.key"), encoding="utf-8") as handle:
        private = handle.read().strip()
    with open(os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(f"[Interface]\nPrivateKey = {private}\n# Address = {client['address']}/32 (set with ip addr: wg-quick's key, not wg's)\n\n"
                     f"[Peer]\nPublicKey = {server_key}\nEndpoint = {client['link']['node']}:{port}\n"
                     f"AllowedIPs = {INSTANCE_NET}, {server}/32\nPersistentKeepalive = 25\n")
    script = DEVICE_UP.format(netns=client["netns"], node_if=client["interfaces"]["node"], client_if=client["interfaces"]["client"], wg_if=client["interfaces"]["wg"],
                              node_link=client["link"]["node"], client_link=client["link"]["client"], conf=conf, address=client["address"],
                              instance_net=INSTANCE_NET, server=server)
    run("sh", "-ec", script)


def _device_down(client: dict) -> None:
    netns = client["netns"]
    if netns in run("ip", "netns", "list").split():
        pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True).stdout.split()
        for pid in pids:
            subprocess.run(["kill", pid], capture_output=True)
        deadline = time.time() + 5
        while any(os.path.exists(f"/proc/{pid}") for pid in pids) and time.time() < deadline:
            time.sleep(0.05)
        subprocess.run(["ip", "netns", "del", netns], capture_output=True)
    subprocess.run(["ip", "link", "del", client["interfaces"]["node"]], capture_output=True)
    sock = f"/var/run/wireguard/{client['interfaces']['wg']}.sock"
    if os.path.exists(sock):
        os.unlink(sock)


def _handshakes(interface: str) -> dict:
    return {p.public_key: p for p in wg.show(interface).peers}


def _await_handshakes(node, clients: list, timeout: float) -> list:
    """The clients whose peer on wg0 has not handshaken once `timeout` has passed (empty: all have)."""
    deadline = time.time() + timeout
    while True:
        live = _handshakes(node.interface)
        waiting = [c for c in clients if not (live.get(c["publicKey"]) and live[c["publicKey"]].latest_handshake)]
        if not waiting or time.time() > deadline:
            return waiting
        time.sleep(0.2)


def up(node, count: int, team_size: int = 3, solo_every: int = 4, handshake_timeout: float = 30.0) -> dict:
    """K new clients: enrolled on B, reconciled onto wg0, their tunnels up, each peer handshaken."""
    if not 1 <= team_size <= TEAM_MAX:
        raise ClientError(f"--team-size must be 1..{TEAM_MAX} (a team has at most {TEAM_MAX} active members)")
    api = Api(node.api_url)
    timings = {}
    with _exclusive():
        os.makedirs(os.path.join(ROOT, "teams"), mode=0o700, exist_ok=True)
        taken = {c["index"] for c in records()}
        free = [i for i in range(MAX_CLIENTS) if i not in taken][:count]
        if len(free) < count:
            raise ClientError(f"room for {len(free)} more clients on this node, not {count} (at most {MAX_CLIENTS})")
        batch = secrets.token_hex(2)
        groups = {}
        for n, (index, slot) in enumerate(zip(free, plan_teams(count, team_size, solo_every)), start=1):
            name = f"{PREFIX}{batch}-{n:02d}"
            team = None if slot is None else f"{PREFIX}{batch}-t{slot}"
            node_ip, client_ip = _link(index)
            private, public = wg.keypair()
            client = {
                "name": name, "index": index, "batch": batch, "email": f"{name}@clients.arena.test", "password": secrets.token_urlsafe(18),
                "team": team, "solo": team is None, "principal": team or f"solo-{name}", "publicKey": public, "netns": name,
                "interfaces": {"node": f"vch{index}", "client": f"vcc{index}", "wg": f"vcw{index}"},
                "link": {"node": node_ip, "client": client_ip}, "createdAt": _now(), "revoked": False,
            }
            os.makedirs(os.path.join(ROOT, name), mode=0o700)
            with open(os.open(os.path.join(ROOT, name, "wg.key"), os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as handle:
                handle.write(private + "\n")
            groups.setdefault(team or name, (team, []))[1].append(client)
        t0 = time.monotonic()
        problems = []
        with ThreadPoolExecutor(WORKERS) as pool:
            for outcome in pool.map(lambda g: _try(lambda: _enrol(api, *g)), groups.values()):
                problems += outcome
        made = [c for _team, members in groups.values() for c in members if "userId" in c]
        # Not enrolled: nothing of it on B, so nothing to keep here either.
        for _team, members in groups.values():
            for c in members:
                if "userId" not in c:
                    shutil.rmtree(os.path.join(ROOT, c["name"]), ignore_errors=True)
        timings["enrolMs"] = _ms(t0)
        t0 = time.monotonic()
        reconciler.reconcile_now("clients")
        timings["reconcileMs"] = _ms(t0)
        t0 = time.monotonic()
        server_key = wg.show(node.interface).public_key
        with ThreadPoolExecutor(WORKERS) as pool:
            for outcome in pool.map(lambda c: _try(lambda: _device_up(c, server_key, str(node.address.ip), node.port), c["name"]), made):
                problems += outcome
        timings["devicesMs"] = _ms(t0)
        t0 = time.monotonic()
        silent = _await_handshakes(node, made, handshake_timeout)
        timings["handshakesMs"] = _ms(t0)
    problems += [f"{c['name']}: no handshake within {handshake_timeout:g} s" for c in silent]
    result = {"ok": not problems, "batch": batch, "clients": [view(c, None) for c in made], "timings": timings}
    if problems:
        result["error"] = "; ".join(problems)
    return result


def _ms(since: float) -> int:
    return round((time.monotonic() - since) * 1000)


def _try(step, name: str = None) -> list:
    try:
        step()
        return []
    except (ApiError, CommandError, ClientError, OSError) as exc:
        return [f"{name}: {exc}" if name else str(exc)]


def _rss_kib(netns: str) -> int:
    total = 0
    for pid in subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True).stdout.split():
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except FileNotFoundError:
            pass
    return total


def view(client: dict, live: dict, namespaces: set = None) -> dict:
    """What a spec needs of a client (no secret): how to address it, and how its tunnel is doing."""
    peer = (live or {}).get(client["publicKey"])
    shown = {k: client[k] for k in ("name", "userId", "email", "team", "solo", "principal", "address", "publicKey", "netns", "interfaces", "link", "createdAt", "revoked")}
    if live is not None:
        shown.update(up=client["netns"] in namespaces, rssKiB=_rss_kib(client["netns"]) if client["netns"] in namespaces else 0,
                     peerOnNode=peer is not None, handshakeAgeSeconds=peer.handshake_age(wg.now()) if peer else None)
    return shown


def listing(node) -> dict:
    live = _handshakes(node.interface)
    namespaces = set(run("ip", "netns", "list").split())
    shown = [view(c, live, namespaces) for c in records()]
    return {"ok": True, "count": len(shown), "rssKiB": sum(c["rssKiB"] for c in shown), "clients": shown}


def _leave_b(api: Api, client: dict) -> None:
    session = _session(api, client)
    if not client["revoked"]:
        session.remove_key()
    if client["team"]:
        session.leave_team(client["team"])


def down(node, names: list = None) -> dict:
    """Remove clients (all by default): tunnel and namespace, their key and team on B, then their peers on wg0."""
    api = Api(node.api_url)
    problems = []
    with _exclusive():
        chosen = [record(n) for n in names] if names else records()
        with ThreadPoolExecutor(WORKERS) as pool:
            for outcome in pool.map(lambda c: _try(lambda: _device_down(c), c["name"]) + _try(lambda: _leave_b(api, c), c["name"]), chosen):
                problems += outcome
        for client in chosen:
            shutil.rmtree(os.path.join(ROOT, client["name"]), ignore_errors=True)
        swept = _sweep() if not names else []
        try:
            reconciler.reconcile_now("clients")
        except (reconciler.FAILURES) as exc:
            problems.append(f"reconcile: {exc}")
    result = {"ok": not problems, "removed": [c["name"] for c in chosen], "swept": swept}
    if problems:
        result["error"] = "; ".join(problems)
    return result


def _sweep() -> list:
    """What a killed `up` may have left (namespaces and links no record names; their names), and the teams' join codes."""
    left = []
    for netns in run("ip", "netns", "list").split():
        if netns.startswith(PREFIX):
            _device_down({"netns": netns, "interfaces": {"node": "-", "wg": "-"}})
            left.append(netns)
    for link in os.listdir("/sys/class/net"):
        if link.startswith("vch"):
            subprocess.run(["ip", "link", "del", link], capture_output=True)
    shutil.rmtree(ROOT, ignore_errors=True)
    return left


def move(node, name: str, team: str) -> dict:
    """The client's user leaves its team and joins `team` (one the clients made), or goes solo (team None)."""
    api = Api(node.api_url)
    with _exclusive():
        client = record(name)
        session = _session(api, client)
        code = None
        if team is not None:
            path = os.path.join(ROOT, "teams", f"{team}.json")
            if not os.path.exists(path):
                raise ClientError(f"no join code for team {team!r}: the clients can join only teams they made")
            code = _read(path)["joinCode"]
        if client["team"]:
            session.leave_team(client["team"])
        if team is None:
            session.personal_principal()
        else:
            session.join_team(team, code)
        client.update(team=team, solo=team is None, principal=team or f"solo-{name}")
        _save(client)
    return {"ok": True, "client": view(client, None)}


def revoke(node, name: str) -> dict:
    """The client's user removes its key on B (the device is lost): node C drops the peer at its next reconcile."""
    api = Api(node.api_url)
    with _exclusive():
        client = record(name)
        removed = _session(api, client).remove_key()
        client["revoked"] = True
        _save(client)
    return {"ok": True, "removed": removed, "client": view(client, None)}
