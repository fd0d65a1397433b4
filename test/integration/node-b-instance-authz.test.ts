// Players and instances on node B, with node A's registry: a player (a session over HTTP, `--as-user` on the
// node's CLI) spawns, reads, resets and destroys only the instances of the principal they act as now (their
// team's, else their own); another team's is refused (403, exit 1) and every attempt leaves an audit row.
// The service token and the operator's CLI keep full access. Each of the two fault switches, on its own node
// B, changes what is observed as its name says. Containers are watched by label on the host.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { CONTROL_PLANE } from '../../reference/node-kinds.ts';
import { LABEL_RUN, leftoverContainers, removeImagesFrom, removeRun } from '../../reference/run-containers.ts';
import { startRegistryAndControlPlanes } from './arena-registry-and-control-planes.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-b-authz-${randomBytes(4).toString('hex')}`;
const SECRETS = Object.fromEntries([...CONTROL_PLANE.secrets, ...(CONTROL_PLANE.nodeSecrets ?? []), ...CONTROL_PLANE.needs!.secrets]
  .map((name) => [name, randomBytes(24).toString('base64url')]));
const PASSWORD = 'correct horse battery';
const MUTANTS = ['instance-authz-missing', 'instance-denial-not-audited'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
let nodes = new Map<Variant, StartedTestContainer>();
let registry = '';

interface Instance { id: number; principalId: number; state: string; container: { id: string } | null }
interface Listed { id: number; challenge: string; principalId: number; containerId: string | null }
interface Answer { ok: boolean; controller?: string; verb: string; principalId: number | null; created: boolean; instance: Instance | null; error: string | null; destroyed?: boolean; instances?: Listed[] }
interface Player { token: string; cookie: string; id: number; handle: string }
interface Team { principalId: number; joinCode: string }
/** Two teams on one node: red (ann, carol) with ann's pwn-echo instance, and blue (bob). */
interface World { ann: Player; carol: Player; bob: Player; red: Team; blue: Team; instance: Instance }
interface Denial { actor: string; verb: string; principal: number; actingAs: number; via: string }

const base = (variant: Variant): string => `http://127.0.0.1:${nodes.get(variant)!.getMappedPort(8080)}`;

/** One request as a player (bearer token, or the cookie when `cookie` is given), as the service, or as nobody. */
async function call(variant: Variant, method: string, path: string, auth: { token?: string; cookie?: string }, body?: unknown): Promise<{ status: number; json: Answer }> {
  const headers: Record<string, string> = { ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}), ...(auth.cookie ? { Cookie: auth.cookie } : {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base(variant)}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Answer };
}

const service = { token: SECRETS.ARENA_SERVICE_TOKEN! };
const verb = (variant: Variant, who: { token?: string; cookie?: string }, name: string, body: Record<string, unknown> = {}) => call(variant, 'POST', `/api/instances/pwn-echo/${name}`, who, body);

async function player(variant: Variant, handle: string): Promise<Player> {
  const email = `${handle}@example.test`;
  expect((await call(variant, 'POST', '/api/register', {}, { email, handle, password: PASSWORD })).status).toBe(201);
  const response = await fetch(`${base(variant)}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const login = (await response.json()) as { session: { token: string }; user: { id: number } };
  return { token: login.session.token, cookie: response.headers.get('set-cookie')!.split(';')[0]!, id: login.user.id, handle };
}

async function team(variant: Variant, owner: Player, name: string, ...members: Player[]): Promise<Team> {
  const created = (await call(variant, 'POST', '/api/teams', owner, { name })).json as unknown as { team: Team; joinCode: string };
  for (const member of members) expect((await call(variant, 'POST', `/api/teams/${name}/join`, member, { joinCode: created.joinCode })).status).toBe(200);
  return { principalId: created.team.principalId, joinCode: created.joinCode };
}

/** Red and blue, named for the test (`tag`), and red's instance spawned by ann over HTTP, the principal implied by her session. */
async function world(variant: Variant, tag: string): Promise<World> {
  const [ann, carol, bob] = await Promise.all(['ann', 'carol', 'bob'].map((name) => player(variant, `${name}-${tag}`)));
  const [red, blue] = await Promise.all([team(variant, ann!, `red-${tag}`, carol!), team(variant, bob!, `blue-${tag}`)]);
  const spawned = await verb(variant, ann!, 'spawn', { ttlSeconds: 300 });
  expect(spawned.status, spawned.json.error ?? '').toBe(201);
  return { ann: ann!, carol: carol!, bob: bob!, red: red!, blue: blue!, instance: spawned.json.instance! };
}

async function arena(variant: Variant, ...args: string[]): Promise<{ exitCode: number; json: Answer; stderr: string }> {
  const { exitCode, stdout, stderr } = await nodes.get(variant)!.exec(['arena', ...args, '--json']);
  return { exitCode, json: JSON.parse(stdout) as Answer, stderr };
}

async function sql(variant: Variant, statement: string): Promise<string[]> {
  const { stdout, exitCode, stderr } = await nodes.get(variant)!.exec(['runuser', '-u', 'postgres', '--', 'psql', '-d', 'arena', '-tAqc', statement]);
  expect(exitCode, stderr).toBe(0);
  return stdout.split('\n').filter(Boolean);
}

/** The `instance.access.denied` rows about one user, oldest first. */
async function denials(variant: Variant, user: Player): Promise<Denial[]> {
  const rows = await sql(variant, `select json_build_object('actor', actor, 'verb', detail->>'verb', 'principal', (detail->>'principal')::int, 'actingAs', (detail->>'actingAs')::int, 'via', detail->>'via')
    from audit_log where action = 'instance.access.denied' and user_id = ${user.id} order by id`);
  return rows.map((row) => JSON.parse(row) as Denial);
}

/** The principal's pwn-echo containers (any state) as the host's Docker sees them, by label: the nodes share the
daemon and number their principals alike, so the node's own controller id is among the labels. */
async function containers(variant: Variant, principalId: number): Promise<string[]> {
  const controller = (await arena(variant, 'instance', 'list')).json.controller!;
  const filters = [`${LABEL_RUN}=${RUN}`, `arena.controller=${controller}`, `arena.principal=${principalId}`, 'arena.challenge=pwn-echo'];
  const { stdout } = await execa('docker', ['ps', '-a', '-q', '--no-trunc', ...filters.flatMap((f) => ['--filter', `label=${f}`])]);
  return stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  ({ registry, nodes } = await startRegistryAndControlPlanes(RUN, ['healthy', ...MUTANTS] as const, SECRETS));
}, 240_000);

afterAll(async () => {
  await removeRun(RUN);
  await removeImagesFrom([registry]);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node B', () => {
  test('a player spawns, reads, resets and destroys the instance of the principal they act as (bearer or cookie); a teammate shares it', async () => {
    const { ann, carol, red, instance } = await world('healthy', 'own');
    expect(instance).toMatchObject({ principalId: red.principalId, state: 'running' });
    expect(await containers('healthy', red.principalId)).toEqual([instance.container!.id]);

    const listed = await call('healthy', 'GET', '/api/instances', { cookie: carol.cookie });
    expect(listed.status).toBe(200);
    expect(listed.json.instances!.map((i) => [i.id, i.principalId])).toEqual([[instance.id, red.principalId]]);
    expect(await call('healthy', 'GET', `/api/instances/pwn-echo?principalId=${red.principalId}`, carol)).toMatchObject({ status: 200, json: { ok: true, instance: { id: instance.id } } });
    expect(await call('healthy', 'GET', '/api/instances/web-warmup', carol)).toMatchObject({ status: 404, json: { ok: false, error: `principal ${red.principalId} has no instance of web-warmup` } });

    const reset = await verb('healthy', { cookie: carol.cookie }, 'reset');
    expect(reset.status, reset.json.error ?? '').toBe(200);
    expect(reset.json.instance!.container!.id).not.toBe(instance.container!.id);
    const destroyed = await verb('healthy', ann, 'destroy', { principalId: red.principalId });
    expect(destroyed).toMatchObject({ status: 200, json: { ok: true, destroyed: true, principalId: red.principalId } });
    expect(await containers('healthy', red.principalId)).toEqual([]);
    expect(await denials('healthy', carol)).toEqual([]);
  });

  test('a solo player: no instances before a principal; the first spawn makes the personal principal and runs its instance', async () => {
    const dave = await player('healthy', 'dave-solo');
    expect(await call('healthy', 'GET', '/api/instances', dave)).toMatchObject({ status: 200, json: { ok: true, instances: [] } });
    expect(await verb('healthy', dave, 'reset')).toMatchObject({ status: 404, json: { ok: false, error: expect.stringContaining(`user ${dave.handle} acts as no principal yet`) } });
    const spawned = await verb('healthy', dave, 'spawn');
    expect(spawned.status, spawned.json.error ?? '').toBe(201);
    const me = (await call('healthy', 'GET', '/api/me', dave)).json as unknown as { principal: { id: number; kind: string } };
    expect(me.principal.kind).toBe('solo');
    expect(spawned.json).toMatchObject({ ok: true, principalId: me.principal.id, instance: { principalId: me.principal.id, state: 'running' } });
    expect(await verb('healthy', dave, 'destroy')).toMatchObject({ status: 200, json: { destroyed: true } });
    expect(await containers('healthy', me.principal.id)).toEqual([]);
  });

  test('another team\'s instance over HTTP: read, list, spawn, reset and destroy answer 403 and are audited; the instance is untouched', async () => {
    const { bob, red, blue, instance } = await world('healthy', 'http');
    const refused = [
      ['list', await call('healthy', 'GET', `/api/instances?principalId=${red.principalId}`, bob)],
      ['read', await call('healthy', 'GET', `/api/instances/pwn-echo?principalId=${red.principalId}`, bob)],
      ['spawn', await verb('healthy', bob, 'spawn', { principalId: red.principalId })],
      ['reset', await verb('healthy', bob, 'reset', { principalId: red.principalId })],
      ['destroy', await verb('healthy', { cookie: bob.cookie }, 'destroy', { principalId: red.principalId })],
    ] as const;
    for (const [name, answer] of refused) {
      expect(answer.status, name).toBe(403);
      expect(answer.json, name).toMatchObject({ ok: false, error: `user ${bob.handle} acts as principal ${blue.principalId}, not ${red.principalId}: may not ${name} its instances` });
    }
    expect(refused[3][1].json).toMatchObject({ verb: 'reset', principalId: red.principalId, instance: null });
    expect(await denials('healthy', bob)).toEqual(refused.map(([name]) => ({ actor: `user:${bob.id}`, verb: name, principal: red.principalId, actingAs: blue.principalId, via: 'http' })));
    expect(await containers('healthy', red.principalId)).toEqual([instance.container!.id]);
    // Bob's own list holds nothing of red's; without a session nothing at all.
    expect((await call('healthy', 'GET', '/api/instances', bob)).json.instances).toEqual([]);
    expect(await call('healthy', 'GET', '/api/instances', {})).toMatchObject({ status: 401, json: { ok: false, error: 'sign in first (a session), or show the service token' } });
    expect((await verb('healthy', { token: 'made-up' }, 'reset', { principalId: red.principalId })).status).toBe(401);
  });

  test('another team\'s instance on the CLI with --as-user: exit 1 with the reason, audited; their own works', async () => {
    const { ann, carol, bob, red, blue, instance } = await world('healthy', 'cli');
    const mine = await arena('healthy', 'instance', 'list', '--as-user', ann.handle);
    expect(mine.json.instances!.map((i) => i.id)).toEqual([instance.id]);
    for (const name of ['reset', 'destroy', 'spawn']) {
      const { exitCode, json, stderr } = await arena('healthy', 'instance', name, 'pwn-echo', '--principal-id', String(red.principalId), '--as-user', `${bob.handle}@example.test`);
      expect(exitCode, name).toBe(1);
      expect(json, name).toMatchObject({ ok: false, verb: name, principalId: red.principalId, instance: null, error: `user ${bob.handle} acts as principal ${blue.principalId}, not ${red.principalId}: may not ${name} its instances` });
      expect(stderr.trim()).toBe(`arena instance ${name}: ${json.error}`);
    }
    const listing = await arena('healthy', 'instance', 'list', '--principal-id', String(red.principalId), '--as-user', bob.handle);
    expect(listing).toMatchObject({ exitCode: 1, json: { ok: false, instances: [] } });
    expect((await denials('healthy', bob)).map((d) => [d.verb, d.via, d.principal])).toEqual(['reset', 'destroy', 'spawn', 'list'].map((v) => [v, 'cli', red.principalId]));
    expect(await containers('healthy', red.principalId)).toEqual([instance.container!.id]);
    expect(await arena('healthy', 'instance', 'reset', 'pwn-echo', '--as-user', 'nobody')).toMatchObject({ exitCode: 1, json: { ok: false, error: "no user 'nobody' (give an email or a handle)" } });
    expect(await arena('healthy', 'instance', 'reset', 'pwn-echo')).toMatchObject({ exitCode: 1, json: { error: '--principal-id is required (or --as-user <email|handle> to act as a player)' } });

    // A teammate, the principal implied: reset and destroy red's instance.
    const reset = await arena('healthy', 'instance', 'reset', 'pwn-echo', '--as-user', carol.handle);
    expect(reset.json).toMatchObject({ ok: true, principalId: red.principalId, instance: { id: instance.id } });
    expect(await arena('healthy', 'instance', 'destroy', 'pwn-echo', '--as-user', ann.handle)).toMatchObject({ exitCode: 0, json: { ok: true, destroyed: true } });
    expect(await containers('healthy', red.principalId)).toEqual([]);
  });

  test('the service token and the operator\'s CLI act on any principal', async () => {
    const { red, blue, instance } = await world('healthy', 'svc');
    const all = await call('healthy', 'GET', '/api/instances', service);
    expect(all.json.instances!.map((i) => i.id)).toContain(instance.id);
    expect(await verb('healthy', service, 'reset', {})).toMatchObject({ status: 400, json: { ok: false, error: 'body must be JSON {"principalId": <id>} (the service token names the principal)' } });
    expect((await verb('healthy', service, 'reset', { principalId: red.principalId })).status).toBe(200);
    expect((await arena('healthy', 'instance', 'list', '--principal-id', String(red.principalId))).json.instances!.map((i) => i.id)).toEqual([instance.id]);
    expect(await verb('healthy', service, 'destroy', { principalId: red.principalId })).toMatchObject({ status: 200, json: { destroyed: true } });
    expect(await containers('healthy', red.principalId)).toEqual([]);
    expect((await sql('healthy', `select count(*) from audit_log where action = 'instance.access.denied' and detail->>'principal' in ('${red.principalId}', '${blue.principalId}')`))).toEqual(['0']);
  });
});

describe.concurrent('each access fault switch changes what is observed', () => {
  test('instance-authz-missing: another team\'s player lists, resets and destroys the instance (HTTP and CLI), nothing refused or audited', async () => {
    const { bob, red, instance } = await world('instance-authz-missing', 'authz');
    const listed = await call('instance-authz-missing', 'GET', `/api/instances?principalId=${red.principalId}`, bob);
    expect(listed.json.instances!.map((i) => i.id)).toEqual([instance.id]);
    const reset = await verb('instance-authz-missing', bob, 'reset', { principalId: red.principalId });
    expect(reset.status).toBe(200);
    expect(await containers('instance-authz-missing', red.principalId)).toEqual([reset.json.instance!.container!.id]);
    const destroyed = await arena('instance-authz-missing', 'instance', 'destroy', 'pwn-echo', '--principal-id', String(red.principalId), '--as-user', bob.handle);
    expect(destroyed).toMatchObject({ exitCode: 0, json: { ok: true, destroyed: true } });
    expect(await containers('instance-authz-missing', red.principalId)).toEqual([]);
    expect(await denials('instance-authz-missing', bob)).toEqual([]);
  });

  test('instance-denial-not-audited: the refusal stands (403, exit 1) but leaves no audit row', async () => {
    const { bob, red, instance } = await world('instance-denial-not-audited', 'audit');
    expect((await verb('instance-denial-not-audited', bob, 'reset', { principalId: red.principalId })).status).toBe(403);
    expect((await arena('instance-denial-not-audited', 'instance', 'destroy', 'pwn-echo', '--principal-id', String(red.principalId), '--as-user', bob.handle)).exitCode).toBe(1);
    expect(await containers('instance-denial-not-audited', red.principalId)).toEqual([instance.container!.id]);
    expect(await denials('instance-denial-not-audited', bob)).toEqual([]);
  });
});
