// Node C fed from node B in the reference fleet (arena-b1 and arena-c, on the run's own network), and
// simulated VPN clients on C: each a principal on B with its own key, namespace and tunnel. C follows B
// (its periodic reconciler), every client reaches its own team's subnet and no other, the fault switches
// change that, and removing the clients leaves nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ArenaFleet, type StartedArenaFleet } from '../../reference/fleet.ts';
import { leftoverContainers, leftoverNetworks } from '../../reference/run-containers.ts';
import { VpnClients, type ReachAttempt, type VpnClient } from '../../reference/vpn-clients.ts';
import { execa } from 'execa';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

let fleet: StartedArenaFleet;
let container: string;
let clients: VpnClients;
let made: VpnClient[] = [];

interface Status {
  ok: boolean;
  state: { source: string; teams: number; principals: number };
  teams: { id: string; peers: { principal: string; handshakeAgeSeconds: number | null }[] }[];
  inSync: boolean;
  reconcile: { intervalSeconds: number; last: { at: string; ageSeconds: number; trigger: string; ok: boolean; error: string | null } | null };
}

async function onC(...command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const done = await execa('docker', ['exec', container, ...command], { reject: false });
  return { exitCode: done.exitCode ?? 1, stdout: done.stdout, stderr: done.stderr };
}
const status = async (): Promise<Status> => JSON.parse((await onC('arena', 'vpn', 'status', '--json')).stdout) as Status;
/** Turn a fault switch on (or off, '') in place: node C reads /etc/arena/mutant at every step, as the entrypoint wrote it. */
const switchMutant = (name: string): Promise<unknown> => onC('sh', '-c', `printf '%s\\n' '${name}' > /etc/arena/mutant`);

/** Poll until `check` holds (the last value on timeout, in the message). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(value).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

const reachedTeams = (attempts: readonly ReachAttempt[], client: string, protocol: 'tcp' | 'icmp'): string[] =>
  attempts.filter((a) => a.client === client && a.protocol === protocol && a.observed === 'reached').map((a) => a.targetTeam);

beforeAll(async () => {
  fleet = await new ArenaFleet().withNodes('arena-b1', 'arena-c').start();
  container = `fleetgate-arena-c-${fleet.runId}`;
  clients = new VpnClients(container);
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  expect(await leftoverContainers(fleet.runId)).toEqual([]);
  expect(await leftoverNetworks(fleet.runId)).toEqual([]);
}, 60_000);

describe('node C fed from node B', () => {
  test('C reads B\'s state by B\'s node name with the shared token from its env file; the seeded teams are in; the periodic reconcile ran and says so', async () => {
    const env = (await onC('cat', '/etc/arena/arena.env')).stdout;
    expect(env).toMatch(/^ARENA_VPN_STATE=http:\/\/arena-b1:8080\/api\/vpn\/state$/m);
    expect(env).toMatch(/^ARENA_VPN_STATE_TOKEN=\S{16,}$/m);
    expect(env).toMatch(/^ARENA_VPN_RECONCILE_INTERVAL=5$/m);
    // A gate run on the node passes no environment on: C still reads B.
    const bare = await onC('env', '-i', '/usr/local/bin/arena', 'vpn', 'status', '--json');
    expect(bare.exitCode, bare.stderr).toBe(0);
    const seen = await until('a periodic pass', status, (s) => s.reconcile.last?.trigger === 'interval');
    expect(seen).toMatchObject({ ok: true, inSync: true, state: { source: 'http://arena-b1:8080/api/vpn/state', teams: 3, principals: 4 }, reconcile: { intervalSeconds: 5, last: { ok: true, error: null } } });
    expect(seen.teams.map((t) => [t.id, t.peers.map((p) => p.principal)])).toEqual([['red', ['alice', 'bob']], ['blue', ['carol']], ['solo-dave', ['dave']]]);
    expect(seen.reconcile.last!.ageSeconds).toBeLessThan(7);
    // The token is nowhere in what C says.
    const token = env.match(/^ARENA_VPN_STATE_TOKEN=(\S+)$/m)![1]!;
    expect(JSON.stringify(seen)).not.toContain(token);
    expect((await execa('docker', ['logs', container], { all: true })).all).not.toContain(token);
  });

  test('vpn test passes with B\'s state: each seeded team reaches its own subnet only', async () => {
    const tested = await onC('arena', 'vpn', 'test', '--json');
    expect(tested.exitCode, tested.stdout).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ ok: true, teamsProbed: 3 });
  }, 60_000);
});

describe('simulated VPN clients', () => {
  test('up: six clients, each a principal on B (two teams, at most 4 each, and a solo one), its tunnel up and its peer handshaken on C', async () => {
    const up = await clients.up(6);
    expect(up.ok, up.error).toBe(true);
    made = up.clients;
    expect(made.map((c) => c.team === null ? 'solo' : c.team.replace(up.batch, 'B'))).toEqual(['vc-B-t1', 'vc-B-t1', 'vc-B-t1', 'solo', 'vc-B-t2', 'vc-B-t2']);
    const listed = await clients.list();
    expect(listed).toMatchObject({ ok: true, count: 6 });
    for (const c of listed.clients) {
      expect(c).toMatchObject({ up: true, peerOnNode: true, netns: c.name, revoked: false });
      expect(c.handshakeAgeSeconds).toBeGreaterThanOrEqual(0);
      expect(c.handshakeAgeSeconds).toBeLessThan(30);
      expect(c.rssKiB).toBeGreaterThan(1024);
    }
    expect(JSON.stringify(listed)).not.toMatch(/password|PrivateKey/i);
    // B's state has them, each in its team; C's status shows their handshakes.
    const teams = (await status()).teams;
    const solo = made.find((c) => c.solo)!;
    expect(teams.find((t) => t.id === `solo-${solo.name}`)!.peers.map((p) => p.principal)).toEqual([solo.name]);
    expect(teams.find((t) => t.id === made[0]!.team)!.peers.every((p) => p.handshakeAgeSeconds !== null)).toBe(true);
    // A spec on C addresses a client by its namespace: its tunnel address is there.
    expect((await onC('ip', 'netns', 'exec', made[0]!.netns, 'ip', '-4', '-o', 'addr', 'show', 'dev', made[0]!.interfaces.wg)).stdout).toContain(`${made[0]!.address}/32`);
  }, 120_000);

  test('reach: from every client its own team\'s subnet answers (TCP and ICMP), every other team\'s refuses', async () => {
    const reach = await clients.reach();
    expect(reach.ok, reach.error).toBe(true);
    expect(reach).toMatchObject({ clients: 6, teams: 6 });
    expect(reach.attempts).toHaveLength(6 * 6 * 2);
    for (const c of made) {
      expect(reachedTeams(reach.attempts, c.name, 'tcp')).toEqual([c.principal]);
      expect(reachedTeams(reach.attempts, c.name, 'icmp')).toEqual([c.principal]);
    }
    // Refused, not silent: node C answers admin-prohibited for every other team.
    expect(reach.attempts.filter((a) => a.expected === 'blocked').every((a) => a.observed === 'blocked')).toBe(true);
  }, 60_000);

  test('C follows B: a client whose user changes team reaches the new team\'s subnet, not the old; a removed key loses its peer and all access', async () => {
    const [mover, , , , other] = made;
    expect((await clients.move(mover!.name, other!.team)).ok).toBe(true);
    const moved = await until('the move on C', () => clients.reach([mover!.name]), (r) => reachedTeams(r.attempts, mover!.name, 'tcp').join() === other!.team);
    expect(moved.ok, moved.error).toBe(true);
    expect(reachedTeams(moved.attempts, mover!.name, 'icmp')).toEqual([other!.team]);
    expect((await status()).reconcile.last).toMatchObject({ ok: true, trigger: 'interval' });

    const revoked = made[1]!;
    expect((await clients.revoke(revoked.name)).ok).toBe(true);
    await until('the peer gone from wg0', () => clients.list(), (l) => l.clients.find((c) => c.name === revoked.name)!.peerOnNode === false);
    const cut = await clients.reach([revoked.name]);
    expect(cut.ok, cut.error).toBe(true);
    expect(cut.attempts.every((a) => a.team === null && a.expected === 'blocked' && a.observed !== 'reached')).toBe(true);
  }, 90_000);

  test('fault switch cross-team-forwarding: every client reaches other teams\' subnets; the matrix says which', async () => {
    await switchMutant('cross-team-forwarding');
    try {
      const crossed = await until('the crossed rules', () => clients.reach([made[2]!.name]), (r) => reachedTeams(r.attempts, made[2]!.name, 'tcp').length > 1);
      expect(crossed.ok).toBe(false);
      expect(crossed.error).toMatch(new RegExp(`${made[2]!.name} \\(${made[2]!.team}\\) -> \\S+ \\(\\S+\\) (tcp|icmp): reached, expected blocked`));
    } finally {
      await switchMutant('');
    }
    await until('the rules healed', () => clients.reach([made[2]!.name]), (r) => r.ok);
  }, 90_000);

  test('fault switch vpn-reconciler-stalled: C stops following B (a move stays unseen, the last pass ages); healthy again it follows', async () => {
    await switchMutant('vpn-reconciler-stalled');
    try {
      const mover = made[3]!; // the solo client joins team 1
      expect((await clients.move(mover.name, made[0]!.team)).ok).toBe(true);
      const stale = await until('the last pass older than two intervals', status, (s) => s.reconcile.last!.ageSeconds > 11, 30_000);
      expect(stale.inSync).toBe(false);
      expect(reachedTeams((await clients.reach([mover.name])).attempts, mover.name, 'tcp')).toEqual([]);
    } finally {
      await switchMutant('');
    }
    const healed = await until('followed again', () => clients.reach([made[3]!.name]), (r) => r.ok);
    expect(reachedTeams(healed.attempts, made[3]!.name, 'tcp')).toEqual([made[0]!.team]);
  }, 90_000);

  test('down: every client removed, on C (namespaces, links, daemons, peers, records) and on B (no key in the state)', async () => {
    const down = await clients.down();
    expect(down.ok, down.error).toBe(true);
    expect(down.removed).toHaveLength(6);
    expect((await onC('sh', '-c', 'ip netns list | cut -d" " -f1; ls /sys/class/net | grep -c "^vch" || true; pgrep -c wireguard-go; ls /var/lib/arena; ls /var/run/wireguard')).stdout)
      .toBe('arena-instances\n0\n1\nwg0.sock');
    const after = await status();
    expect(after.inSync).toBe(true);
    expect(after.teams.flatMap((t) => t.peers.map((p) => p.principal))).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect((await clients.list()).count).toBe(0);
  }, 60_000);
});
