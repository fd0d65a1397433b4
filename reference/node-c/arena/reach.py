"""From each simulated client, through its own tunnel: TCP and ICMP to the first host of every team's
instance subnet in B's state. Its own team's must answer (a TCP reset or an echo reply from the instance
side), every other team's must not (node C rejects it: admin-prohibited). The whole matrix is the answer,
so a spec can attach it as evidence."""
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

from . import clients, probe

PORT = 9
# Runs in the client's namespace: every target at once, TCP connects in threads, ICMP echoes on one raw socket.
ATTEMPTS = probe.TCP_ATTEMPT + r"""
import json, os, select, struct, sys, time
from concurrent.futures import ThreadPoolExecutor
targets, timeout, port = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])

def checksum(data):
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF

def icmp(targets):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident, seen = os.getpid() & 0xFFFF, {t: "timeout" for t in targets}
    for seq, target in enumerate(targets):
        header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        s.sendto(struct.pack("!BBHHH", 8, 0, checksum(header + b"arena!"), ident, seq) + b"arena!", (target, 0))
    deadline = time.time() + timeout
    while "timeout" in seen.values() and time.time() < deadline:
        if not select.select([s], [], [], max(0.0, deadline - time.time()))[0]:
            break
        data = s.recv(2048)
        at = (data[0] & 15) * 4
        kind = data[at]
        if kind == 0:
            got, seq = struct.unpack("!HH", data[at + 4:at + 8])
            verdict = "reached"
        elif kind == 3:
            inner = data[at + 8:]
            inner_at = (inner[0] & 15) * 4
            if inner[inner_at] != 8:
                continue
            got, seq = struct.unpack("!HH", inner[inner_at + 4:inner_at + 8])
            verdict = "blocked"
        else:
            continue
        if got == ident and seq < len(targets):
            seen[targets[seq]] = verdict
    return seen

with ThreadPoolExecutor(16) as pool:
    tcp_seen = dict(zip(targets, pool.map(lambda t: tcp(t, port, timeout), targets)))
print(json.dumps({"tcp": tcp_seen, "icmp": icmp(targets)}))
"""


def _attempts(client: dict, targets: list, timeout: float) -> dict:
    done = subprocess.run(["ip", "netns", "exec", client["netns"], "python3", "-c", ATTEMPTS, json.dumps(targets), str(timeout), str(PORT)],
                          capture_output=True, text=True, timeout=3 * timeout + 20)
    if done.returncode != 0:
        raise clients.ClientError(f"{client['name']}: the attempts failed in its namespace: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout)


def matrix(desired, names: list = None, timeout: float = 2.0) -> dict:
    """Every (client, team, protocol): expected (own team reached, others blocked) and observed."""
    chosen = [clients.record(n) for n in names] if names else clients.records()
    team_of = {p.id: p.team for p in desired.principals}
    first = {t.id: str(next(t.subnet.hosts())) for t in desired.teams}
    targets = sorted(set(first.values()))
    with ThreadPoolExecutor(clients.WORKERS) as pool:
        seen = list(pool.map(lambda c: _attempts(c, targets, timeout), chosen))
    attempts = []
    for client, observed in zip(chosen, seen):
        # Its team as B's state says now (None once its key is gone: then it may reach nothing).
        own = team_of.get(client["name"])
        for team in sorted(first):
            for protocol in ("tcp", "icmp"):
                attempts.append({"client": client["name"], "team": own, "target": first[team], "targetTeam": team, "protocol": protocol,
                                 "expected": "reached" if team == own else "blocked", "observed": observed[protocol][first[team]]})
    # A refusal may also come as silence: not reached is what counts for "blocked".
    wrong = [a for a in attempts if a["observed"] != a["expected"] and not (a["expected"] == "blocked" and a["observed"] == "timeout")]
    result = {"ok": bool(chosen) and not wrong, "clients": len(chosen), "teams": len(first), "attempts": attempts}
    if not chosen:
        result["error"] = "no simulated client on this node (arena vpn clients up --count K)"
    elif wrong:
        result["error"] = f"{len(wrong)} of {len(attempts)} attempts not as expected: " + "; ".join(
            f"{a['client']} ({a['team']}) -> {a['target']} ({a['targetTeam']}) {a['protocol']}: {a['observed']}, expected {a['expected']}" for a in wrong[:10])
    return result
