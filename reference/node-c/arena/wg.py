"""The WireGuard interface (wireguard-go, userspace) as `wg` sees it."""
import time
from dataclasses import dataclass

from .system import run


@dataclass(frozen=True)
class LivePeer:
    public_key: str
    endpoint: str
    allowed_ips: tuple
    latest_handshake: int
    rx: int
    tx: int

    def handshake_age(self, now: float):
        """Seconds since the last handshake, None if the peer never completed one."""
        return int(now - self.latest_handshake) if self.latest_handshake else None


@dataclass(frozen=True)
class Interface:
    name: str
    public_key: str
    listen_port: int
    peers: tuple


def show(name: str, netns: str = None) -> Interface:
    lines = run("wg", "show", name, "dump", netns=netns).strip().splitlines()
    _private, public, port, _fwmark = lines[0].split("\t")
    peers = []
    for line in lines[1:]:
        key, _psk, endpoint, allowed, handshake, rx, tx, _keepalive = line.split("\t")
        allowed_ips = tuple(sorted(a for a in allowed.split(",") if a and a != "(none)"))
        peers.append(LivePeer(key, "" if endpoint == "(none)" else endpoint, allowed_ips, int(handshake), int(rx), int(tx)))
    return Interface(name, public, int(port), tuple(peers))


def set_peer(name: str, public_key: str, allowed_ips: str, netns: str = None, endpoint: str = None) -> None:
    extra = ("endpoint", endpoint, "persistent-keepalive", "25") if endpoint else ()
    run("wg", "set", name, "peer", public_key, "allowed-ips", allowed_ips, *extra, netns=netns)


def remove_peer(name: str, public_key: str) -> None:
    run("wg", "set", name, "peer", public_key, "remove")


def keypair() -> tuple:
    private = run("wg", "genkey").strip()
    return private, run("wg", "pubkey", stdin=private + "\n").strip()


def now() -> float:
    return time.time()
