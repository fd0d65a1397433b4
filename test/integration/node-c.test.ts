// Reference node C (vpn) alone: its verbs answer JSON with a stable shape, and each of its fault switches
// changes what they observe. One container per switch, started side by side, removed afterwards.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { VPN } from '../../reference/node-kinds.ts';
import { LABEL_OWNER, LABEL_RUN, leftoverContainers, removeRun } from '../../reference/run-containers.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-c-test-${randomBytes(4).toString('hex')}`;
const MUTANTS = ['cross-team-forwarding', 'stale-peer-kept', 'reconcile-no-routes'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
const nodes = new Map<Variant, StartedTestContainer>();

interface Answer {
  exitCode: number;
  json: Record<string, unknown> & { ok: boolean; error?: string };
  stderr: string;
}

interface Attempt { probe: string; team: string; targetTeam: string; expected: string; observed: string }
interface Check { name: string; ok: boolean; detail: string }
interface TeamStatus { id: string; subnet: string; solo: boolean; route: string | null; peers: { principal: string; handshakeAgeSeconds: number | null; endpoint: string }[] }

async function arena(variant: Variant, ...args: string[]): Promise<Answer> {
  const result = await nodes.get(variant)!.exec(['arena', ...args, '--json']);
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as Answer['json'], stderr: result.stderr };
}

async function sh(variant: Variant, script: string): Promise<string> {
  const result = await nodes.get(variant)!.exec(['sh', '-ec', script]);
  expect(result.exitCode, result.output).toBe(0);
  return result.stdout.trim();
}

/** A peer the state does not have, put on wg0 by hand (a principal removed from B, still configured on C). */
const plantStalePeer = (variant: Variant): Promise<string> => sh(variant, 'key=$(wg genkey | wg pubkey); wg set wg0 peer "$key" allowed-ips 10.66.9.9/32; echo "$key"');

beforeAll(async () => {
  const images = await ensureReferenceImages();
  await Promise.all((['healthy', ...MUTANTS] as const).map(async (variant) => {
    const container = VPN.configure!(new GenericContainer(images[VPN.image])
      .withName(`fleetgate-arena-c-${variant}-${RUN}`)
      .withHostname('arena-c')
      .withLabels({ [LABEL_RUN]: RUN, [LABEL_OWNER]: `${hostname()}:${process.pid}` })
      .withEnvironment({ ARENA_MUTANT: variant === 'healthy' ? '' : variant })
      .withWaitStrategy(Wait.forLogMessage(VPN.readyLog))
      .withStartupTimeout(60_000));
    nodes.set(variant, await container.start());
  }));
}, 120_000);

afterAll(async () => {
  await removeRun(RUN);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node C', () => {
  test('env validate vpn passes; another role is refused with a message', async () => {
    expect(await arena('healthy', 'env', 'validate', 'vpn')).toMatchObject({ exitCode: 0, json: { ok: true, role: 'vpn', missing: [], invalid: [] } });
    const wrong = await arena('healthy', 'env', 'validate', 'control-plane');
    expect(wrong).toMatchObject({ exitCode: 1, json: { ok: false, error: "node C serves role 'vpn', not 'control-plane'" } });
    expect(wrong.stderr).toContain('arena env validate: node C serves role');
  });

  test('vpn status lists each team with its subnet, route and peers, in sync with the state', async () => {
    const { exitCode, json } = await arena('healthy', 'vpn', 'status');
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ ok: true, inSync: true, forwarding: true, interface: { name: 'wg0', listenPort: 51820, peers: 4 }, state: { teams: 3, principals: 4 } });
    // Alone, it keeps its seeded state: reconciled at boot, no periodic reconciler.
    expect(json.reconcile).toMatchObject({ intervalSeconds: 0, last: { trigger: 'boot', ok: true, error: null, peers: { added: 4, total: 4 } } });
    const teams = json.teams as TeamStatus[];
    expect(teams.map((t) => [t.id, t.subnet, t.solo, t.peers.map((p) => p.principal)])).toEqual([
      ['red', '10.200.1.0/24', false, ['alice', 'bob']], ['blue', '10.200.2.0/24', false, ['carol']], ['solo-dave', '10.200.3.0/24', true, ['dave']],
    ]);
    for (const team of teams) expect(team.route).toBe('via 10.255.0.2 dev arena-up0');
    expect(teams[0]!.peers[0]).toMatchObject({ handshakeAgeSeconds: null, endpoint: '' });
  });

  test('a client that connects shows a handshake age in vpn status', async () => {
    // alice's device: her key (kept by the reference node for simulated clients) in a namespace of its own.
    await sh('healthy', `
      ip netns add client-alice
      ip link add clv0 type veth peer name clv1
      ip link set clv1 netns client-alice
      ip addr add 169.254.200.1/30 dev clv0 && ip link set clv0 up
      ip -n client-alice addr add 169.254.200.2/30 dev clv1 && ip -n client-alice link set clv1 up
      ip netns exec client-alice wireguard-go clw0 2>/dev/null
      ip netns exec client-alice wg set clw0 private-key /var/lib/arena/clients/alice.key peer "$(wg show wg0 public-key)" endpoint 169.254.200.1:51820 allowed-ips 10.200.1.0/24
      ip -n client-alice addr add 10.66.0.2/32 dev clw0 && ip -n client-alice link set clw0 up
      ip -n client-alice route add 10.200.1.0/24 dev clw0
      ip netns exec client-alice python3 -c 'import socket; s = socket.socket(); s.settimeout(5)
try: s.connect(("10.200.1.1", 9))
except ConnectionRefusedError: pass'`);
    const teams = (await arena('healthy', 'vpn', 'status')).json.teams as TeamStatus[];
    const alice = teams[0]!.peers.find((p) => p.principal === 'alice')!;
    expect(alice.handshakeAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(alice.handshakeAgeSeconds).toBeLessThan(30);
    expect(alice.endpoint).toMatch(/^169\.254\.200\.2:\d+$/);
    expect(teams[0]!.peers.find((p) => p.principal === 'bob')!.handshakeAgeSeconds).toBeNull();
    await sh('healthy', 'ip netns del client-alice; ip link del clv0 2>/dev/null || true');
  });

  test('vpn test: every check passes, each probe reaches its own team subnet and no other', async () => {
    const { exitCode, json } = await arena('healthy', 'vpn', 'test');
    expect(exitCode, json.error).toBe(0);
    expect((json.checks as Check[]).map((c) => [c.name, c.ok])).toEqual([
      ['IPv4 forwarding is on', true], ['peers match the state', true], ['routes match the state', true],
      ['forwarding rules match the state', true], ['reconcile removes a stale peer', true], ['each team reaches its own subnet and no other', true],
    ]);
    const attempts = json.attempts as Attempt[];
    expect(attempts).toHaveLength(9);
    for (const a of attempts) expect(a.observed).toBe(a.targetTeam === a.team ? 'reached' : 'blocked');
    // The probes are gone: no namespace but the instance stand-in, wg0 back to the state's peers.
    expect(await sh('healthy', 'ip netns list | cut -d" " -f1; wg show wg0 peers | wc -l')).toBe('arena-instances\n4');
  });

  test('vpn reconcile restores a removed peer and route, and removes a stale peer', async () => {
    const stale = await plantStalePeer('healthy');
    const alice = await sh('healthy', `python3 -c 'import json; print(next(p["publicKey"] for p in json.load(open("/var/lib/arena/vpn-state.json"))["principals"] if p["id"] == "alice"))'`);
    await sh('healthy', `wg set wg0 peer '${alice}' remove; ip route del 10.200.2.0/24 proto 199`);
    expect((await arena('healthy', 'vpn', 'status')).json.drift).toMatchObject({ stalePeers: [stale], missingPeers: ['alice'], missingRoutes: ['10.200.2.0/24'] });
    const { exitCode, json } = await arena('healthy', 'vpn', 'reconcile');
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ ok: true, peers: { added: ['alice'], removed: [stale], updated: [] }, routes: { restored: ['10.200.2.0/24'], removed: [] } });
    expect((await arena('healthy', 'vpn', 'status')).json.inSync).toBe(true);
  });

  test('a state that is not valid stops reconcile with a message naming the field, and changes nothing', async () => {
    await sh('healthy', `
      python3 -c 'import json; s = json.load(open("/var/lib/arena/vpn-state.json")); s["teams"][1]["subnet"] = "10.200.1.128/25"; json.dump(s, open("/tmp/bad-state.json", "w"))'
      sed 's#^ARENA_VPN_STATE=.*#ARENA_VPN_STATE=file:///tmp/bad-state.json#' /etc/arena/arena.env > /tmp/bad.env`);
    const result = await nodes.get('healthy')!.exec(['arena', 'vpn', 'reconcile', '--json'], { env: { ARENA_ENV_FILE: '/tmp/bad.env' } });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: "vpn state file:///tmp/bad-state.json: teams[1].subnet 10.200.1.128/25 overlaps team red's 10.200.1.0/24" });
    expect((await arena('healthy', 'vpn', 'status')).json.inSync).toBe(true);
  });
});

describe('each fault switch changes what the verbs observe', () => {
  test('cross-team-forwarding: every peer reaches other teams\' subnets; vpn test fails and names them', async () => {
    const { exitCode, json } = await arena('cross-team-forwarding', 'vpn', 'test');
    expect(exitCode).toBe(1);
    const crossed = (json.attempts as Attempt[]).filter((a) => a.team !== a.targetTeam);
    expect(crossed).toHaveLength(6);
    for (const a of crossed) expect(a.observed).toBe('reached');
    expect(json.error).toMatch(/forwarding rules match the state: extra: 10\.66\.0\.2 -> 10\.200\.2\.0\/24/);
    expect(json.error).toMatch(/each team reaches its own subnet and no other: probe-\d of \S+ -> 10\.200\.\d\.1 \(\S+\): reached, expected blocked/);
    expect((await arena('cross-team-forwarding', 'vpn', 'status')).json.drift).toMatchObject({ rules: { extra: expect.arrayContaining(['10.66.0.4 -> 10.200.1.0/24']) } });
  });

  test('stale-peer-kept: reconcile reports success but the stale peer stays; status and test show it', async () => {
    const stale = await plantStalePeer('stale-peer-kept');
    const reconciled = await arena('stale-peer-kept', 'vpn', 'reconcile');
    expect(reconciled).toMatchObject({ exitCode: 0, json: { ok: true, peers: { removed: [] } } });
    expect((await arena('stale-peer-kept', 'vpn', 'status')).json).toMatchObject({ inSync: false, drift: { stalePeers: [stale] } });
    const tested = await arena('stale-peer-kept', 'vpn', 'test');
    expect(tested.exitCode).toBe(1);
    expect(tested.json.error).toContain(`peers match the state: stalePeers ${stale}`);
    expect(tested.json.error).toMatch(/reconcile removes a stale peer: stale peer \S+ still present after reconcile/);
  });

  test('reconcile-no-routes: after a (re)start no team has a route, reconcile restores none, own subnets are unreachable', async () => {
    const status = await arena('reconcile-no-routes', 'vpn', 'status');
    expect((status.json.teams as TeamStatus[]).map((t) => t.route)).toEqual([null, null, null]);
    expect(await arena('reconcile-no-routes', 'vpn', 'reconcile')).toMatchObject({ exitCode: 0, json: { routes: { restored: [] } } });
    const tested = await arena('reconcile-no-routes', 'vpn', 'test');
    expect(tested.exitCode).toBe(1);
    expect(tested.json.error).toContain('routes match the state: missingRoutes 10.200.1.0/24, 10.200.2.0/24, 10.200.3.0/24');
    const own = (tested.json.attempts as Attempt[]).filter((a) => a.team === a.targetTeam);
    for (const a of own) expect(a.observed).not.toBe('reached');
  });
});
