"""Forwarding rules (nftables, table `inet arena`): a peer may reach only its own team's instance subnet.

The forward chain drops by default; each principal gets one accept rule, peer address -> team subnet,
from the WireGuard interface to the uplink towards the instances. Anything else a peer sends is
rejected at once (admin-prohibited), so a refused probe answers fast instead of timing out.
"""
import ipaddress
import json

from . import mutant
from .system import CommandError, run

TABLE = "arena"


def allowed_pairs(state) -> set:
    """What the state allows: (peer address, team subnet) for each principal. The checker's view, no mutant."""
    return {(str(p.address), str(state.team(p.team).subnet)) for p in state.principals}


def _rule_pairs(state) -> list:
    pairs = []
    for principal in state.principals:
        # cross-team-forwarding: each peer is allowed every team's subnet, not just its own.
        subnets = [t.subnet for t in state.teams] if mutant.on("cross-team-forwarding") else [state.team(principal.team).subnet]
        pairs += [(principal, subnet) for subnet in subnets]
    return pairs


def ruleset(state, wg_interface: str, uplink: str) -> str:
    rules = "\n".join(
        f'    iifname "{wg_interface}" oifname "{uplink}" ip saddr {p.address} ip daddr {subnet} accept comment "{p.id}@{p.team}"'
        for p, subnet in _rule_pairs(state)
    )
    # `table …; delete table …` first: the file replaces the table atomically whether it existed or not.
    return f"""table inet {TABLE}
delete table inet {TABLE}
table inet {TABLE} {{
  chain forward {{
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
{rules}
    iifname "{wg_interface}" reject with icmpx type admin-prohibited
  }}
}}
"""


def apply(state, wg_interface: str, uplink: str) -> int:
    run("nft", "-f", "-", stdin=ruleset(state, wg_interface, uplink))
    return len(_rule_pairs(state))


def _operand(right) -> str:
    if isinstance(right, dict) and "prefix" in right:
        return f"{right['prefix']['addr']}/{right['prefix']['len']}"
    return str(ipaddress.ip_network(right))


def live() -> dict:
    """The forward chain as it is: its policy and the (saddr, daddr) pairs it accepts; None if absent."""
    try:
        doc = json.loads(run("nft", "-j", "list", "table", "inet", TABLE))
    except CommandError:
        return None
    policy, pairs = None, set()
    for item in doc.get("nftables", []):
        if "chain" in item and item["chain"]["name"] == "forward":
            policy = item["chain"].get("policy")
        rule = item.get("rule")
        if not rule or rule.get("chain") != "forward" or not any("accept" in e for e in rule["expr"]):
            continue
        fields = {e["match"]["left"]["payload"]["field"]: e["match"]["right"] for e in rule["expr"]
                  if "match" in e and "payload" in e["match"]["left"]}
        if "saddr" in fields and "daddr" in fields:
            pairs.add((str(ipaddress.ip_address(fields["saddr"])), _operand(fields["daddr"])))
    return {"policy": policy, "pairs": pairs}
