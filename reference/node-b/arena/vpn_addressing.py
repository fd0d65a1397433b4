"""Where a principal and a peer live on the VPN, derived from their ids (nothing to store, unique by
construction, the same on every read):
  - a principal (solo or team) owns the instance subnet number <principal id> of size /26 inside
    ARENA_VPN_INSTANCE_NET (default 10.200.0.0/16: principals 1..1023);
  - a user's WireGuard peer gets the address <user id> + 1 inside ARENA_VPN_PEER_NET (default
    10.66.0.0/16; .0.1 is node C itself), below the probe net node C reserves (10.66.255.0/24)."""
import ipaddress
import os

INSTANCE_NET = ipaddress.IPv4Network(os.environ.get("ARENA_VPN_INSTANCE_NET", "10.200.0.0/16"))
PEER_NET = ipaddress.IPv4Network(os.environ.get("ARENA_VPN_PEER_NET", "10.66.0.0/16"))
PROBE_NET = ipaddress.IPv4Network(os.environ.get("ARENA_VPN_PROBE_NET", "10.66.255.0/24"))
SUBNET_PREFIX = 26


def subnet(principal_id: int):
    size = 2 ** (32 - SUBNET_PREFIX)
    if not 0 < principal_id < INSTANCE_NET.num_addresses // size:
        return None  # beyond the instance network: no VPN access (the state leaves it out)
    return str(ipaddress.IPv4Network((int(INSTANCE_NET.network_address) + principal_id * size, SUBNET_PREFIX)))


def address(user_id: int):
    candidate = PEER_NET.network_address + user_id + 1
    if user_id < 1 or candidate in PROBE_NET or candidate not in PEER_NET or candidate == PEER_NET.broadcast_address:
        return None
    return str(candidate)
