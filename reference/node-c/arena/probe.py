"""`arena vpn test`: real WireGuard traffic from simulated peers, one per team, each in its own network
namespace. A probe joins a team (an address from the reserved probe net, its rules made by the same code
as every principal's), then tries the first host of every team's subnet: its own must answer, no other.
A decoy peer the state does not have is planted first: reconcile must remove it. Everything the test
adds is removed afterwards, also what a killed earlier test left."""
import glob
import ipaddress
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from . import netfilter, state, wg
from .system import run

NETNS_PREFIX = "arena-probe-"
MAX_TEAMS = 16
# Link-local /30s join the probe namespaces to the node: no address a deployment could be using.
LINK = "169.254.{i}.{host}"
TARGET_PORT = 9

# One TCP connect, as source for a script run in a namespace: a refusal (RST) means the packet arrived
# (nothing listens on the port), an admin-prohibited answer or silence that it did not. A connect can
# return before the refusal is seen (checked here: about 1 in 1000 under load, with no peer and SO_ERROR
# EHOSTUNREACH), so only a connection with a peer counts as one.
TCP_ATTEMPT = """
import errno, socket

def tcp(target, port, timeout):
    s = socket.socket(); s.settimeout(timeout)
    try:
        s.connect((target, port))
        s.getpeername()
        return "reached"
    except ConnectionRefusedError:
        return "reached"
    except socket.timeout:
        return "timeout"
    except OSError as exc:
        code = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) if exc.errno == errno.ENOTCONN else exc.errno
        return "blocked" if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM) else f"error {code}"
    finally:
        s.close()
"""
# Runs inside a probe's namespace: one attempt.
CONNECT = TCP_ATTEMPT + """
import sys
print(tcp(sys.argv[1], int(sys.argv[3]), float(sys.argv[2])))
"""


@dataclass
class Probe:
    index: int
    team: state.Team
    principal: state.Principal
    private_key: str
    process: subprocess.Popen = None

    @property
    def netns(self) -> str:
        return f"{NETNS_PREFIX}{self.index}"


def sweep(interface: str, probe_net: ipaddress.IPv4Network) -> None:
    """Remove every probe namespace, probe daemon and probe or decoy peer, ours or a killed test's."""
    for name in run("ip", "netns", "list").split():
        if name.startswith(NETNS_PREFIX):
            for pid in subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split():
                subprocess.run(["kill", pid], capture_output=True)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
    for link in glob.glob("/sys/class/net/apv*"):
        subprocess.run(["ip", "link", "del", os.path.basename(link)], capture_output=True)
    for sock in glob.glob("/var/run/wireguard/apw*.sock"):
        os.unlink(sock)
    for peer in wg.show(interface).peers:
        if any(ipaddress.ip_network(a).subnet_of(probe_net) for a in peer.allowed_ips):
            wg.remove_peer(interface, peer.public_key)


def _start(probe: Probe, vpn, server_key: str, subnets: list, keydir: str) -> None:
    i, ns = probe.index, probe.netns
    run("ip", "netns", "add", ns)
    run("ip", "link", "add", f"apv{i}", "type", "veth", "peer", "name", f"apc{i}")
    run("ip", "link", "set", f"apc{i}", "netns", ns)
    run("ip", "addr", "add", f"{LINK.format(i=i, host=1)}/30", "dev", f"apv{i}")
    run("ip", "link", "set", f"apv{i}", "up")
    run("ip", "addr", "add", f"{LINK.format(i=i, host=2)}/30", "dev", f"apc{i}", netns=ns)
    run("ip", "link", "set", f"apc{i}", "up", netns=ns)
    probe.process = subprocess.Popen(["ip", "netns", "exec", ns, "wireguard-go", "-f", f"apw{i}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD": "1"})
    run("sh", "-c", f"for _ in $(seq 50); do [ -S /var/run/wireguard/apw{i}.sock ] && exit 0; sleep 0.1; done; exit 1")
    keyfile = os.path.join(keydir, f"probe{i}.key")
    with open(keyfile, "w", encoding="utf-8") as handle:
        handle.write(probe.private_key + "\n")
    run("wg", "set", f"apw{i}", "private-key", keyfile, netns=ns)
    # The node's own address too: its admin-prohibited rejects come from there, and make a refusal fast.
    allowed = ",".join([*subnets, f"{vpn.address.ip}/32"])
    wg.set_peer(f"apw{i}", server_key, allowed, netns=ns, endpoint=f"{LINK.format(i=i, host=1)}:{vpn.port}")
    run("ip", "addr", "add", f"{probe.principal.address}/32", "dev", f"apw{i}", netns=ns)
    run("ip", "link", "set", f"apw{i}", "up", netns=ns)
    for subnet in subnets:
        run("ip", "route", "add", subnet, "dev", f"apw{i}", netns=ns)


def _connect(probe: Probe, target: str, timeout: float) -> str:
    done = subprocess.run(["ip", "netns", "exec", probe.netns, "python3", "-c", CONNECT, target, str(timeout), str(TARGET_PORT)],
                          capture_output=True, text=True, timeout=timeout + 10)
    return done.stdout.strip() or f"error {done.stderr.strip()[-200:]}"


def _reach(probe: Probe, teams: list) -> list:
    own = probe.team
    first = lambda team: str(next(team.subnet.hosts()))
    # Its own team first, with time for the handshake; then the others at once.
    results = [(own, _connect(probe, first(own), 5.0))]
    others = [t for t in teams if t.id != own.id]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results += zip(others, pool.map(lambda t: _connect(probe, first(t), 2.0), others))
    return [{
        "probe": probe.principal.id, "team": own.id, "target": first(team), "targetTeam": team.id,
        "expected": "reached" if team.id == own.id else "blocked", "observed": observed,
    } for team, observed in results]


def test(vpn, desired: state.State, reconcile) -> dict:
    """The checks, each {name, ok, detail}, and every probe's attempt."""
    teams = sorted(desired.teams, key=lambda t: t.id)[:MAX_TEAMS]
    hosts = vpn.probe_net.hosts()
    probes = []
    for i, team in enumerate(teams, start=1):
        private, public = wg.keypair()
        probes.append(Probe(i, team, state.Principal(f"probe-{i}", team.id, public, next(hosts)), private))
    augmented = replace(desired, principals=desired.principals + tuple(p.principal for p in probes))
    decoy = wg.keypair()[1]
    checks, attempts = [], []
    sweep(vpn.interface, vpn.probe_net)
    try:
        with tempfile.TemporaryDirectory(prefix="arena-probe-") as keydir:
            wg.set_peer(vpn.interface, decoy, f"{next(hosts)}/32")
            reconcile(vpn, augmented)
            kept = any(p.public_key == decoy for p in wg.show(vpn.interface).peers)
            checks.append({"name": "reconcile removes a stale peer", "ok": not kept, "detail": f"stale peer {decoy} still present after reconcile" if kept else "removed"})
            server_key = wg.show(vpn.interface).public_key
            subnets = [str(t.subnet) for t in teams]
            for probe in probes:
                _start(probe, vpn, server_key, subnets, keydir)
            with ThreadPoolExecutor(max_workers=4) as pool:
                for found in pool.map(lambda p: _reach(p, teams), probes):
                    attempts += found
    finally:
        for probe in probes:
            if probe.process:
                probe.process.kill()
                probe.process.wait()
        sweep(vpn.interface, vpn.probe_net)  # the decoy too: its address is in the probe net
        netfilter.apply(desired, vpn.interface, vpn.uplink)
    wrong = [a for a in attempts if a["observed"] != a["expected"] and not (a["expected"] == "blocked" and a["observed"] == "timeout")]
    checks.append({
        "name": "each team reaches its own subnet and no other", "ok": bool(attempts) and not wrong,
        "detail": "; ".join(f"{a['probe']} of {a['team']} -> {a['target']} ({a['targetTeam']}): {a['observed']}, expected {a['expected']}" for a in wrong) or f"{len(attempts)} attempts as expected",
    })
    return {"checks": checks, "attempts": attempts, "teamsProbed": len(teams)}

