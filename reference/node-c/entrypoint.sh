#!/bin/sh
# Node C boot: the deployment's env file and WireGuard key, wg0 (wireguard-go), the instance side
# (a stand-in namespace behind the uplink), then one reconcile from the state: a (re)start of C
# restores its peers, routes and rules. Fed from B (ARENA_VPN_STATE an http URL), the reconciler then
# runs every ARENA_VPN_RECONCILE_INTERVAL seconds (default 5), so C follows B, and retries while B does
# not answer yet: C is ready before B is. ARENA_MUTANT switches one defect on (reference/mutants.ts).
set -eu
. /usr/local/lib/arena/fleet-sshd.sh
mutant="${ARENA_MUTANT:-}"
iface=wg0
address=10.66.0.1/16
port=51820
uplink=arena-up0
gateway=10.255.0.2
# Every team's instance subnet lies in here; the stand-in answers for all of it.
instances=10.200.0.0/16

mkdir -p /etc/arena /var/lib/arena
umask 077
printf '%s\n' "$mutant" > /etc/arena/mutant
[ -s /etc/arena/wg.key ] || wg genkey > /etc/arena/wg.key
if [ -z "${ARENA_VPN_STATE:-}" ]; then
  # Alone: its own state, kept as seeded (no periodic reconcile unless asked for).
  python3 -m arena.seed /var/lib/arena/vpn-state.json
  ARENA_VPN_STATE=file:///var/lib/arena/vpn-state.json
  interval="${ARENA_VPN_RECONCILE_INTERVAL:-0}"
else
  interval="${ARENA_VPN_RECONCILE_INTERVAL:-5}"
fi
{
  echo "ARENA_WG_INTERFACE=$iface"
  echo "ARENA_WG_ADDRESS=$address"
  echo "ARENA_WG_PORT=$port"
  echo "ARENA_WG_PRIVATE_KEY_FILE=/etc/arena/wg.key"
  [ "$mutant" = vpn-env-missing-state ] || echo "ARENA_VPN_STATE=$ARENA_VPN_STATE"
  echo "ARENA_VPN_UPLINK=$uplink"
  echo "ARENA_VPN_UPLINK_GATEWAY=$gateway"
  echo "ARENA_VPN_PROBE_NET=10.66.255.0/24"
  # B's bearer token for its state, and B's API (the simulated clients enrol there): only when fed from B.
  [ -z "${ARENA_VPN_STATE_TOKEN:-}" ] || echo "ARENA_VPN_STATE_TOKEN=$ARENA_VPN_STATE_TOKEN"
  [ -z "${ARENA_API_URL:-}" ] || echo "ARENA_API_URL=$ARENA_API_URL"
  echo "ARENA_VPN_RECONCILE_INTERVAL=$interval"
} > /etc/arena/arena.env
unset ARENA_VPN_STATE_TOKEN
umask 022

[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || echo "[node-c] warning: net.ipv4.ip_forward is 0 (start the container with --sysctl net.ipv4.ip_forward=1)" >&2
wireguard-go -f "$iface" 2>/dev/null &
wgpid=$!
until [ -S "/var/run/wireguard/$iface.sock" ]; do sleep 0.1; done
wg set "$iface" private-key /etc/arena/wg.key listen-port "$port"
ip addr add "$address" dev "$iface"
ip link set "$iface" up

# The instance side: in a deployment the uplink leads to B's instance networks; here a namespace
# stands in, answering (a TCP reset) for every address of every team subnet.
ip netns add arena-instances
ip link add "$uplink" type veth peer name arena-inst
ip link set arena-inst netns arena-instances
ip addr add 10.255.0.1/30 dev "$uplink"
ip link set "$uplink" up
ip -n arena-instances addr add "$gateway/30" dev arena-inst
ip -n arena-instances link set arena-inst up
ip -n arena-instances link set lo up
ip -n arena-instances route add local "$instances" dev lo
ip -n arena-instances route add default via 10.255.0.1

arena vpn reconcile --trigger boot --json || echo "[node-c] reconcile failed at boot; the node serves what it has" >&2
# The periodic reconciler (it exits at once when the interval is 0).
python3 -m arena.reconciler &

case "$mutant" in
  # The daemon keeps running; the tools an operator (and the gate) needs are gone.
  vpn-tools-missing) rm -f /usr/bin/wg /usr/sbin/nft /usr/bin/wireguard-go /usr/bin/ip /usr/sbin/ip ;;
  vpn-disk-full) dd if=/dev/zero of=/var/lib/arena/filler bs=1M count=30 2>/dev/null || true ;;
  vpn-memory-hog) python3 -c 'import time; hog = bytearray(800 * 1024 * 1024); [hog.__setitem__(i, 1) for i in range(0, len(hog), 4096)]; time.sleep(10**9)' & ;;
esac

start_fleet_sshd
echo "[node-c] ready"
# The node lives as long as its WireGuard daemon.
wait "$wgpid"
