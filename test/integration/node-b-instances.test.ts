// Node B's instances with node A's registry: `arena instance spawn|reset|destroy` (and the same over HTTP)
// run labelled sibling containers pulled from A through the host's Docker socket; leases expire at their
// TTL; the reconciler removes unowned containers and marks vanished ones. Each instance fault switch, on its
// own node B, changes what is observed as its name says. Containers are watched by label on the host.
// Last, the reference fleet's wiring: its B reaches its A, and its stop leaves nothing.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { eventually } from '../../helpers/eventually.ts';
import { ArenaFleet } from '../../reference/fleet.ts';
import { LABEL_RUN, leftoverContainers, removeImagesFrom, removeRun } from '../../reference/run-containers.ts';
import { startRegistryAndControlPlanes } from './arena-registry-and-control-planes.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-b-instances-test-${randomBytes(4).toString('hex')}`;
const secret = (): string => randomBytes(18).toString('base64url');
const SECRETS = {
  ARENA_DB_PASSWORD: secret(), ARENA_REDIS_PASSWORD: secret(), ARENA_SESSION_SECRET: secret() + secret(),
  ARENA_SERVICE_TOKEN: secret(), ARENA_REGISTRY_PASSWORD: secret(),
};
const MUTANTS = [
  'spawn-not-idempotent', 'reaper-off', 'lease-ttl-ignored', 'reset-leaves-old-container',
  'destroy-leaves-residue', 'registry-error-swallowed', 'duplicate-instance-after-restart',
] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
let nodes = new Map<Variant, StartedTestContainer>();
let registry = '';
let nodeA: StartedTestContainer;

interface Lease { ttlSeconds: number; expiresAt: string }
interface Instance { id: number; challenge: string; principalId: number; state: string; image: string; container: { id: string; name: string; status: string; ports: Record<string, string[]> } | null; lease: Lease }
interface Answer { ok: boolean; verb: string; challenge: string; principalId: number; created: boolean; instance: Instance | null; error: string | null; destroyed?: boolean }
interface Listed { id: number; challenge: string; principalId: number; state: string; containerId: string | null; lease: Lease }

async function arena<T = Answer>(variant: Variant, ...args: string[]): Promise<{ exitCode: number; json: T; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await nodes.get(variant)!.exec(['arena', ...args, '--json']);
  return { exitCode, json: JSON.parse(stdout) as T, stdout, stderr };
}

const spawn = (variant: Variant, slug: string, principal: number, ...more: string[]) => arena(variant, 'instance', 'spawn', slug, '--principal-id', String(principal), ...more);

/** One SQL statement in the node's database; its rows, one line each. */
async function sql(variant: Variant, statement: string): Promise<string[]> {
  const { stdout, exitCode, stderr } = await nodes.get(variant)!.exec(['runuser', '-u', 'postgres', '--', 'psql', '-d', 'arena', '-tAqc', statement]);
  expect(exitCode, stderr).toBe(0);
  return stdout.split('\n').filter(Boolean);
}

/** A fresh solo principal in the node's database (accounts are another part of node B). */
const principal = async (variant: Variant): Promise<number> => Number((await sql(variant, "insert into principals (kind) values ('solo') returning id"))[0]);

const controllers = new Map<Variant, string>();
async function controller(variant: Variant): Promise<string> {
  if (!controllers.has(variant)) controllers.set(variant, (await arena<{ controller: string }>(variant, 'instance', 'list')).json.controller);
  return controllers.get(variant)!;
}

/** The node's instance containers for one principal as the host's Docker sees them (`docker ps -a -f label=...`). */
async function containers(variant: Variant, principalId: number, slug = 'pwn-echo'): Promise<{ id: string; state: string }[]> {
  const filters = [`${LABEL_RUN}=${RUN}`, `arena.controller=${await controller(variant)}`, `arena.principal=${principalId}`, `arena.challenge=${slug}`];
  const { stdout } = await execa('docker', ['ps', '-a', '--no-trunc', ...filters.flatMap((f) => ['--filter', `label=${f}`]), '--format', '{{.ID}} {{.State}}']);
  return stdout.split('\n').filter(Boolean).map((line) => ({ id: line.split(' ')[0]!, state: line.split(' ')[1]! }));
}

async function listed(variant: Variant, principalId: number): Promise<Listed[]> {
  return (await arena<{ instances: Listed[] }>(variant, 'instance', 'list', '--principal-id', String(principalId))).json.instances;
}

/** Restart node B's API process in place (SIGHUP: a new interpreter) and wait for its reconciler's pass at start. */
async function restartApi(variant: Variant): Promise<void> {
  const node = nodes.get(variant)!;
  const passes = async (): Promise<number> => (await execa('docker', ['logs', node.getId()], { all: true })).all.split('[instances] reconciler at start:').length;
  const before = await passes();
  await node.exec(['kill', '-HUP', '1']);
  await eventually(async () => (await passes()) > before, { within: 20_000, what: 'the restarted API\'s reconciler pass at start' });
}

function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (data) => { resolve(data.toString()); socket.destroy(); });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  ({ registry, nodeA, nodes } = await startRegistryAndControlPlanes(RUN, ['healthy', ...MUTANTS] as const, SECRETS, (variant) => ({
    // crypto-intro is offered but A never pushed it: the registry cannot serve it.
    ARENA_CHALLENGES: 'web-warmup,pwn-echo,crypto-intro', ARENA_INSTANCE_TTL: '120',
    // Fast on the healthy node (its reconciler is under test); slow elsewhere, so a mutant's effect stays in view.
    ARENA_RECONCILE_INTERVAL: variant === 'healthy' ? '2' : '600',
  })));
}, 240_000);

afterAll(async () => {
  await removeRun(RUN);
  await removeImagesFrom([registry]);
});

describe('healthy node B', () => {
  test('spawn runs the challenge pulled from A as a labelled sibling container, with a lease of the TTL asked for', async () => {
    const p = await principal('healthy');
    const before = Date.now();
    const { exitCode, json, stdout } = await spawn('healthy', 'pwn-echo', p, '--ttl', '90');
    expect(exitCode, stdout).toBe(0);
    expect(json).toMatchObject({ ok: true, verb: 'spawn', challenge: 'pwn-echo', principalId: p, created: true, error: null });
    expect(json.instance).toMatchObject({ state: 'running', image: `${registry}/challenges/pwn-echo:latest`, lease: { ttlSeconds: 90 } });
    const expires = Date.parse(json.instance!.lease.expiresAt);
    expect(expires - before).toBeGreaterThan(85_000);
    expect(expires - before).toBeLessThan(95_000);
    expect(await containers('healthy', p)).toEqual([{ id: json.instance!.container!.id, state: 'running' }]);
    const inspect = JSON.parse((await execa('docker', ['inspect', json.instance!.container!.id])).stdout) as [{ Config: { Labels: Record<string, string>; Image: string } }];
    expect(inspect[0].Config.Labels).toMatchObject({ [LABEL_RUN]: RUN, 'arena.principal': String(p), 'arena.challenge': 'pwn-echo', 'arena.instance': String(json.instance!.id) });
    // It is the real challenge: its service answers on the port published on the host's loopback.
    const published = json.instance!.container!.ports['1337/tcp']![0]!;
    expect(published).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await eventually(() => banner(Number(published.split(':')[1])), { what: 'the challenge banner' })).toBe('arena challenge pwn-echo\n');
    expect(stdout).not.toContain(SECRETS.ARENA_REGISTRY_PASSWORD);
    // A's registry is published for the host's daemon only: on loopback.
    expect((await execa('docker', ['port', nodeA.getId(), '5000/tcp'])).stdout.trim()).toBe(registry);
  });

  test('a repeat and concurrent spawns return the same instance: one container', async () => {
    const p = await principal('healthy');
    const answers = await Promise.all([1, 2, 3].map(() => spawn('healthy', 'pwn-echo', p)));
    const again = await spawn('healthy', 'pwn-echo', p);
    const all = [...answers, again].map((a) => a.json);
    expect(all.every((a) => a.ok)).toBe(true);
    expect(new Set(all.map((a) => a.instance!.id)).size).toBe(1);
    expect(new Set(all.map((a) => a.instance!.container!.id)).size).toBe(1);
    expect(all.filter((a) => a.created)).toHaveLength(1);
    expect(await containers('healthy', p)).toHaveLength(1);
  });

  test('reset replaces the container (the old one is gone) and renews the lease; destroy leaves nothing, twice', async () => {
    const p = await principal('healthy');
    const first = (await spawn('healthy', 'pwn-echo', p, '--ttl', '60')).json.instance!;
    const reset = await arena('healthy', 'instance', 'reset', 'pwn-echo', '--principal-id', String(p));
    expect(reset.exitCode, reset.stdout).toBe(0);
    const fresh = reset.json.instance!;
    expect(fresh.id).toBe(first.id);
    expect(fresh.container!.id).not.toBe(first.container!.id);
    expect(Date.parse(fresh.lease.expiresAt)).toBeGreaterThan(Date.parse(first.lease.expiresAt));
    expect(await containers('healthy', p)).toEqual([{ id: fresh.container!.id, state: 'running' }]);

    const destroy = await arena('healthy', 'instance', 'destroy', 'pwn-echo', '--principal-id', String(p));
    expect(destroy.json).toMatchObject({ ok: true, destroyed: true, instance: { id: first.id, containerId: fresh.container!.id } });
    expect(await containers('healthy', p)).toEqual([]);
    expect(await listed('healthy', p)).toEqual([]);
    expect((await arena('healthy', 'instance', 'destroy', 'pwn-echo', '--principal-id', String(p))).json).toMatchObject({ ok: true, destroyed: false });
    expect(await sql('healthy', `select action from audit_log where detail->>'instance' = '${first.id}' order by id`)).toEqual(['instance.spawn', 'instance.reset', 'instance.destroy']);
    const none = await arena('healthy', 'instance', 'reset', 'pwn-echo', '--principal-id', String(p));
    expect(none.exitCode).toBe(1);
    expect(none.json.error).toBe(`principal ${p} has no instance of pwn-echo`);
  });

  test('the reaper removes an instance when its lease expires, within 2 s of the TTL boundary', async () => {
    const p = await principal('healthy');
    const { json } = await spawn('healthy', 'pwn-echo', p, '--ttl', '5');
    const expires = Date.parse(json.instance!.lease.expiresAt);
    expect(await containers('healthy', p)).toHaveLength(1);
    await eventually(async () => (await containers('healthy', p)).length === 0, { within: 15_000, every: 200, what: 'the expired instance removed' });
    const gone = Date.now();
    expect(gone).toBeGreaterThan(expires - 500);
    expect(gone).toBeLessThan(expires + 2_000);
    expect(await listed('healthy', p)).toEqual([]);
    expect(await sql('healthy', `select action from audit_log where detail->>'instance' = '${json.instance!.id}' order by id`)).toEqual(['instance.spawn', 'instance.expire']);
  });

  test('a spawn the registry cannot serve fails with the reason and leaves no instance', async () => {
    const p = await principal('healthy');
    const { exitCode, json, stderr } = await spawn('healthy', 'crypto-intro', p);
    expect(exitCode).toBe(1);
    expect(json).toMatchObject({ ok: false, instance: null });
    expect(json.error).toBe(`registry ${registry} lacks challenge image ${registry}/challenges/crypto-intro:latest`);
    expect(stderr.trim()).toBe(`arena instance spawn: ${json.error}`);
    expect(await containers('healthy', p, 'crypto-intro')).toEqual([]);
    expect(await listed('healthy', p)).toEqual([]);
    const unknown = await spawn('healthy', 'no-such', p);
    expect(unknown.json.error).toBe("unknown challenge 'no-such' (catalogue: web-warmup, pwn-echo, crypto-intro)");
    expect((await spawn('healthy', 'pwn-echo', 999_999)).json.error).toBe('principal 999999 does not exist');
  });

  test('a spawn with credentials the registry refuses fails saying so', async () => {
    const p = await principal('healthy');
    const env = '/etc/arena/instances.env';
    const node = nodes.get('healthy')!;
    await node.exec(['sh', '-c', `cp ${env} ${env}.good && sed -i 's/^ARENA_REGISTRY_PASSWORD=.*/ARENA_REGISTRY_PASSWORD=not-the-password/' ${env}`]);
    try {
      const { exitCode, json } = await spawn('healthy', 'pwn-echo', p);
      expect(exitCode).toBe(1);
      expect(json.error).toBe(`registry ${registry} refused credentials for user ctf`);
      expect(await containers('healthy', p)).toEqual([]);
    } finally {
      await node.exec(['mv', `${env}.good`, env]);
    }
  });

  test('the reconciler removes a labelled container with no row, and marks an instance whose container vanished', async () => {
    const p = await principal('healthy');
    const { json } = await spawn('healthy', 'pwn-echo', p);
    const stray = (await execa('docker', ['run', '-d', '--label', `${LABEL_RUN}=${RUN}`, '--label', `arena.controller=${await controller('healthy')}`,
      '--label', `arena.principal=${p}`, '--label', 'arena.challenge=pwn-echo', '--label', 'arena.instance=987654', `${registry}/challenges/pwn-echo:latest`])).stdout.trim();
    await execa('docker', ['rm', '-f', json.instance!.container!.id]);
    await eventually(async () => (await containers('healthy', p)).length === 0, { within: 8_000, what: 'the stray container removed' });
    expect((await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${stray}`])).stdout).toBe('');
    await eventually(async () => (await listed('healthy', p))[0]?.state === 'vanished', { within: 8_000, what: 'the instance marked vanished' });
    // The next spawn brings the same instance back with a new container.
    const back = (await spawn('healthy', 'pwn-echo', p)).json.instance!;
    expect(back).toMatchObject({ id: json.instance!.id, state: 'running' });
    expect(await containers('healthy', p)).toEqual([{ id: back.container!.id, state: 'running' }]);
  });

  test('after an API restart a spawn returns the same instance', async () => {
    const p = await principal('healthy');
    const first = (await spawn('healthy', 'pwn-echo', p)).json.instance!;
    await restartApi('healthy');
    const again = await spawn('healthy', 'pwn-echo', p);
    expect(again.json).toMatchObject({ ok: true, created: false, instance: { id: first.id, container: { id: first.container!.id } } });
    expect(await containers('healthy', p)).toHaveLength(1);
  });

  test('the same verbs over HTTP with the service token; /metrics counts spawns and active instances', async () => {
    const p = await principal('healthy');
    const base = `http://127.0.0.1:${nodes.get('healthy')!.getMappedPort(8080)}`;
    const post = (verb: string, token = SECRETS.ARENA_SERVICE_TOKEN) => fetch(`${base}/api/instances/web-warmup/${verb}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ principalId: p, ttlSeconds: 30 }),
    });
    expect((await post('spawn', 'wrong')).status).toBe(401);
    // Concurrent requests (one thread each in the API) meet on the same instance: one created, the others find it.
    const answers = await Promise.all([1, 2, 3].map(() => post('spawn')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    const bodies = await Promise.all(answers.map(async (a) => (await a.json()) as Answer));
    const instance = bodies.find((b) => b.created)!.instance!;
    expect(instance.lease.ttlSeconds).toBe(30);
    expect(new Set(bodies.map((b) => b.instance!.container!.id))).toEqual(new Set([instance.container!.id]));
    expect(await containers('healthy', p, 'web-warmup')).toHaveLength(1);
    const list = await fetch(`${base}/api/instances?principalId=${p}`, { headers: { Authorization: `Bearer ${SECRETS.ARENA_SERVICE_TOKEN}` } });
    expect(((await list.json()) as { instances: Listed[] }).instances.map((i) => i.id)).toEqual([instance.id]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(Number(/^arena_instances_active (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^arena_instance_spawn_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect((await post('destroy')).status).toBe(200);
    expect(await containers('healthy', p, 'web-warmup')).toEqual([]);
  });
});

describe.concurrent('each instance fault switch changes what is observed', () => {
  test('spawn-not-idempotent: a repeat spawn starts a second container', async () => {
    const p = await principal('spawn-not-idempotent');
    const first = (await spawn('spawn-not-idempotent', 'pwn-echo', p)).json.instance!;
    const second = (await spawn('spawn-not-idempotent', 'pwn-echo', p)).json.instance!;
    expect(second.container!.id).not.toBe(first.container!.id);
    expect(await containers('spawn-not-idempotent', p)).toHaveLength(2);
  });

  test.for(['reaper-off', 'lease-ttl-ignored'] as const)('%s: an instance outlives its lease', async (variant) => {
    const p = await principal(variant);
    const { json } = await spawn(variant, 'pwn-echo', p, '--ttl', '3');
    const expiresIn = Date.parse(json.instance!.lease.expiresAt) - Date.now();
    // reaper-off keeps the expiry but nothing acts on it; lease-ttl-ignored sets an expiry a day away.
    if (variant === 'lease-ttl-ignored') expect(expiresIn).toBeGreaterThan(3_600_000);
    else expect(expiresIn).toBeLessThan(3_500);
    await new Promise((r) => setTimeout(r, 6_000)); // past the TTL boundary: the healthy node removes it by now
    expect(await containers(variant, p)).toEqual([{ id: json.instance!.container!.id, state: 'running' }]);
  });

  test('reset-leaves-old-container: after a reset, the old container still runs beside the new one', async () => {
    const p = await principal('reset-leaves-old-container');
    const first = (await spawn('reset-leaves-old-container', 'pwn-echo', p)).json.instance!;
    await arena('reset-leaves-old-container', 'instance', 'reset', 'pwn-echo', '--principal-id', String(p));
    const seen = await containers('reset-leaves-old-container', p);
    expect(seen).toHaveLength(2);
    expect(seen).toContainEqual({ id: first.container!.id, state: 'running' });
  });

  test('destroy-leaves-residue: the destroyed instance\'s container is still there (stopped)', async () => {
    const p = await principal('destroy-leaves-residue');
    const first = (await spawn('destroy-leaves-residue', 'pwn-echo', p)).json.instance!;
    expect((await arena('destroy-leaves-residue', 'instance', 'destroy', 'pwn-echo', '--principal-id', String(p))).json.ok).toBe(true);
    expect(await containers('destroy-leaves-residue', p)).toEqual([{ id: first.container!.id, state: 'exited' }]);
  });

  test('registry-error-swallowed: a spawn the registry cannot serve "succeeds" with no container', async () => {
    const p = await principal('registry-error-swallowed');
    const { exitCode, json } = await spawn('registry-error-swallowed', 'crypto-intro', p);
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ ok: true, created: true, instance: { state: 'running', container: null } });
    expect(await containers('registry-error-swallowed', p, 'crypto-intro')).toEqual([]);
  });

  test('duplicate-instance-after-restart: after an API restart a spawn starts a second container', async () => {
    const p = await principal('duplicate-instance-after-restart');
    const first = (await spawn('duplicate-instance-after-restart', 'pwn-echo', p)).json.instance!;
    await restartApi('duplicate-instance-after-restart');
    const again = (await spawn('duplicate-instance-after-restart', 'pwn-echo', p)).json.instance!;
    expect(again.id).toBe(first.id);
    expect(again.container!.id).not.toBe(first.container!.id);
    const seen = await containers('duplicate-instance-after-restart', p);
    expect(seen.map((c) => c.state)).toEqual(['running', 'running']);
  });
});

test('zero residue: removing the run leaves no container of it and no image pulled from its registry', async () => {
  await removeRun(RUN);
  await removeImagesFrom([registry]);
  expect(await leftoverContainers(RUN)).toEqual([]);
  const { stdout } = await execa('docker', ['images', '--format', '{{.Repository}}']);
  expect(stdout.split('\n').filter((repo) => repo.startsWith(`${registry}/`))).toEqual([]);
});

test('in the reference fleet, node B pulls from node A: a spawn runs with the fleet\'s run label, and the fleet\'s stop leaves neither it nor the image', async () => {
  const fleet = await new ArenaFleet().withRunId(`${RUN}-fleet`).start();
  let address = '';
  try {
    const b1 = `fleetgate-arena-b1-${fleet.runId}`;
    const exec = async (...args: string[]): Promise<string> => (await execa('docker', ['exec', b1, ...args])).stdout;
    const p = (await exec('runuser', '-u', 'postgres', '--', 'psql', '-d', 'arena', '-tAqc', "insert into principals (kind) values ('solo') returning id")).trim();
    const spawned = JSON.parse(await exec('arena', 'instance', 'spawn', 'web-warmup', '--principal-id', p, '--json')) as Answer;
    expect(spawned.ok, spawned.error ?? '').toBe(true);
    address = spawned.instance!.image.split('/')[0]!;
    expect((await execa('docker', ['port', `fleetgate-arena-a-${fleet.runId}`, '5000/tcp'])).stdout.trim()).toBe(address);
    const labelled = await execa('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL_RUN}=${fleet.runId}`, '--filter', 'label=arena.challenge=web-warmup']);
    expect(labelled.stdout.trim()).toBe(spawned.instance!.container!.id);
  } finally {
    await fleet.stop();
  }
  expect(await leftoverContainers(fleet.runId)).toEqual([]);
  const { stdout } = await execa('docker', ['images', '--format', '{{.Repository}}']);
  expect(stdout.split('\n').filter((repo) => repo.startsWith(`${address}/`))).toEqual([]);
}, 180_000);
