// Reference node B's player-facing API alone: accounts, sessions, principals, teams, admin, audit log,
// /metrics and the VPN state node C reads; and each of its accounts fault switches, which must change
// what a client observes in the way its name says. One container per variant, started side by side,
// reached over a published port; removed afterwards.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { VPN } from '../../reference/node-kinds.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN, leftoverContainers, removeRun } from '../../reference/run-containers.ts';
import { nodeBSecrets, nodeBSql, nodeBUrl, startNodeBVariants } from './node-b-variants.ts';
import { ROOT } from '../../vitest.workspace.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-b-accounts-${randomBytes(4).toString('hex')}`;
const MUTANTS = ['team-cap-unenforced-under-concurrency', 'solo-second-principal', 'session-lost-on-restart', 'audit-row-missing', 'readyz-lies-db-down'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
let nodes = new Map<Variant, StartedTestContainer>();
/** Node C, reading the healthy B's VPN state over the Docker bridge. */
let nodeC: StartedTestContainer;
const SECRETS = nodeBSecrets();
const PASSWORD = 'correct horse battery';

interface Answer<T = Record<string, unknown>> {
  status: number;
  json: T & { error?: string };
  headers: Headers;
}

interface User { id: number; email: string; handle: string; isAdmin: boolean; disabled: boolean }
interface Principal { id: number; kind: 'solo' | 'team'; subnet: string }
interface Team { name: string; principalId: number; subnet: string; members: string[]; activeMembers: number }
interface Session { token: string; user: User }

const baseUrl = (variant: Variant): string => nodeBUrl(nodes.get(variant)!);

async function api<T = Record<string, unknown>>(variant: Variant, method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl(variant)}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : { text }) as Answer<T>['json'], headers: response.headers };
}

/** A new player, registered and signed in. */
async function player(variant: Variant, handle: string): Promise<Session> {
  expect((await api(variant, 'POST', '/api/register', { body: { email: `${handle}@example.test`, handle, password: PASSWORD } })).status).toBe(201);
  const login = await api<{ session: { token: string }; user: User }>(variant, 'POST', '/api/login', { body: { email: `${handle}@example.test`, password: PASSWORD } });
  expect(login.status, login.json.error).toBe(200);
  return { token: login.json.session.token, user: login.json.user };
}

const sql = (variant: Variant, query: string): Promise<string> => nodeBSql(nodes.get(variant)!, SECRETS, query);

async function arena<T = Record<string, unknown>>(variant: Variant, args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; json: T & { ok: boolean; error?: string }; stderr: string }> {
  const result = await nodes.get(variant)!.exec(['arena', ...args, '--json'], { env });
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as T & { ok: boolean; error?: string }, stderr: result.stderr };
}

async function sh(variant: Variant, script: string): Promise<void> {
  const result = await nodes.get(variant)!.exec(['sh', '-ec', script]);
  expect(result.exitCode, result.output).toBe(0);
}

/** The actions of the audit rows written so far. */
const auditedActions = async (variant: Variant): Promise<string[]> => (await sql(variant, 'select distinct action from audit_log order by 1')).split('\n').filter(Boolean);

/** The node's /metrics text, and the value of one series in it (NaN when absent). */
const scrape = async (variant: Variant): Promise<string> => (await api(variant, 'GET', '/metrics')).json.text as string;
const sample = (text: string, series: RegExp): number => Number(new RegExp(`^${series.source} (\\d+)$`, 'm').exec(text)?.[1] ?? 'NaN');

/** A WireGuard public key as a device would make it: 32 bytes, base64. */
const publicKey = (): string => randomBytes(32).toString('base64');

/** Ten players asking for the same thing at once. */
const atOnce = <T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: count }, (_, i) => work(i)));

beforeAll(async () => {
  nodes = await startNodeBVariants<Variant>(RUN, ['healthy', ...MUTANTS], SECRETS);
  const images = await ensureReferenceImages();
  // B's address is known only now: node C (its own boot reconcile finds an empty state) comes second.
  const stateUrl = `http://${nodes.get('healthy')!.getIpAddress('bridge')}:8080/api/vpn/state`;
  nodeC = await VPN.configure!(new GenericContainer(images[VPN.image]))
    .withName(`fleetgate-arena-c-${RUN}`)
    .withHostname('arena-c')
    .withLabels({ [LABEL_RUN]: RUN, [LABEL_NODE]: 'arena-c', [LABEL_OWNER]: `${hostname()}:${process.pid}` })
    .withEnvironment({ ARENA_VPN_STATE: stateUrl, ARENA_VPN_STATE_TOKEN: SECRETS.ARENA_VPN_STATE_TOKEN!, ARENA_MUTANT: '' })
    .withWaitStrategy(Wait.forLogMessage(VPN.readyLog))
    .withStartupTimeout(60_000)
    .start();
}, 180_000);

afterAll(async () => {
  await removeRun(RUN);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node B', () => {
  test('register, sign in, me: the password is kept as a scrypt hash, the session in Redis with a TTL', async () => {
    const ann = await player('healthy', 'ann');
    expect(ann.user).toEqual({ id: expect.any(Number), email: 'ann@example.test', handle: 'ann', isAdmin: false, disabled: false, vpnPublicKey: null });
    expect(await api('healthy', 'POST', '/api/register', { body: { email: 'ANN@example.test', handle: 'ann2', password: PASSWORD } })).toMatchObject({ status: 409, json: { error: "email 'ann@example.test' is already registered" } });
    expect(await api('healthy', 'POST', '/api/register', { body: { email: 'x@example.test', handle: 'X!', password: PASSWORD } })).toMatchObject({ status: 400, json: { error: expect.stringContaining("handle 'X!'") } });
    expect(await api('healthy', 'POST', '/api/register', { body: { email: 'y@example.test', handle: 'yan', password: 'short' } })).toMatchObject({ status: 400, json: { error: 'password must be at least 10 characters' } });
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'ann@example.test', password: 'wrong password' } })).status).toBe(401);
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'nobody@example.test', password: PASSWORD } })).status).toBe(401);

    const login = await api('healthy', 'POST', '/api/login', { body: { email: 'ann@example.test', password: PASSWORD } });
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^arena_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect((await api('healthy', 'GET', '/api/me', { headers: { Cookie: cookie.split(';')[0]! } })).json).toMatchObject({ user: { handle: 'ann' }, principal: null, vpn: null });
    expect((await api('healthy', 'GET', '/api/me', { token: ann.token })).status).toBe(200);
    expect((await api('healthy', 'GET', '/api/me')).status).toBe(401);
    expect((await api('healthy', 'GET', '/api/me', { token: 'made-up' })).status).toBe(401);

    const hash = await sql('healthy', "select password_hash from users where handle = 'ann'");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w+/=]+\$[\w+/=]+$/);
    expect(hash).not.toContain(PASSWORD);
    // Redis holds a keyed hash of each token, never the token, each with a TTL.
    const redis = (cmd: string) => nodes.get('healthy')!.exec(['sh', '-c', `redis-cli --raw ${cmd}`], { env: { REDISCLI_AUTH: SECRETS.ARENA_REDIS_PASSWORD! } });
    const keys = (await redis("--scan --pattern 'arena:session:*'")).stdout.trim().split('\n');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.join()).not.toContain(ann.token);
    expect(Number((await redis(`ttl ${keys[0]}`)).stdout)).toBeGreaterThan(43_000);
  });

  test('a refused request\'s unread body is never taken for the next request on a kept-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) => new Promise<number>((resolve, reject) => {
      const req = request(`${baseUrl('healthy')}${path}`, { method, agent, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      expect(await send('POST', '/api/nowhere', '{"email": "a@b.c"}')).toBe(404);
      expect(await send('PUT', '/api/register', '{"email": "a@b.c"}')).toBe(405);
      expect(await send('GET', '/healthz')).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  test('a session survives an API restart; logout ends it', async () => {
    const ben = await player('healthy', 'ben');
    expect((await api('healthy', 'GET', '/api/me', { token: ben.token })).status).toBe(200);
    const restart = await arena<{ pid: number; downMs: number }>('healthy', ['api', 'restart']);
    expect(restart.exitCode, restart.json.error).toBe(0);
    expect(restart.json).toMatchObject({ ok: true, pid: 1, downMs: expect.any(Number) });
    expect((await api('healthy', 'GET', '/api/me', { token: ben.token })).json).toMatchObject({ user: { handle: 'ben' } });
    // A new interpreter indeed: its in-memory request counters started from zero.
    expect(sample(await scrape('healthy'), /arena_http_requests_total\{method="GET",route="\/api\/me",status="200"\}/)).toBe(1);
    expect((await api('healthy', 'POST', '/api/logout', { token: ben.token })).status).toBe(200);
    expect((await api('healthy', 'GET', '/api/me', { token: ben.token })).status).toBe(401);
    expect((await api('healthy', 'POST', '/api/logout', { token: ben.token })).status).toBe(401);
  });

  test('password reset: a token through the mail outbox, single use; the new password works, the old one and old sessions do not', async () => {
    const cal = await player('healthy', 'cal');
    const unknown = await api('healthy', 'POST', '/api/password-reset', { body: { email: 'nobody@example.test' } });
    const known = await api('healthy', 'POST', '/api/password-reset', { body: { email: 'cal@example.test' } });
    // The same answer either way: nobody learns which emails have an account.
    expect(known).toMatchObject({ status: 202, json: unknown.json });
    const mail = await sql('healthy', "select body from mail_deliveries where recipient = 'cal@example.test' and template = 'password-reset'");
    const token = /^([\w-]{40,})$/m.exec(mail)![1]!;
    expect(await sql('healthy', 'select count(*) from password_resets where token_hash = encode(sha256(convert_to(\'' + token + '\', \'UTF8\')), \'hex\')')).toBe('1');
    expect(await api('healthy', 'POST', '/api/password-reset/confirm', { body: { token, password: 'short' } })).toMatchObject({ status: 400, json: { error: 'password must be at least 10 characters' } });
    expect(await api('healthy', 'POST', '/api/password-reset/confirm', { body: { token, password: 'a brand new password' } })).toMatchObject({ status: 200, json: { ok: true, sessionsEnded: 1 } });
    expect((await api('healthy', 'GET', '/api/me', { token: cal.token })).status).toBe(401);
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'cal@example.test', password: PASSWORD } })).status).toBe(401);
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'cal@example.test', password: 'a brand new password' } })).status).toBe(200);
    expect(await api('healthy', 'POST', '/api/password-reset/confirm', { body: { token, password: 'yet another password' } })).toMatchObject({ status: 400, json: { error: 'reset token is unknown, used or expired' } });
  });

  test('a solo user gets exactly one personal principal, also from 10 concurrent requests', async () => {
    const dee = await player('healthy', 'dee');
    const answers = await atOnce(10, () => api<{ principal: Principal; created: boolean }>('healthy', 'POST', '/api/me/principal', { token: dee.token }));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json.principal.id)).size).toBe(1);
    expect(answers[0]!.json.principal).toMatchObject({ kind: 'solo', subnet: expect.stringMatching(/^10\.200\.\d+\.\d+\/26$/) });
    expect(await sql('healthy', `select count(*) from principals where user_id = ${dee.user.id}`)).toBe('1');
    expect((await api('healthy', 'GET', '/api/me', { token: dee.token })).json).toMatchObject({ principal: answers[0]!.json.principal });
  });

  test('a team never exceeds 4 active members: of 10 concurrent joins 3 get in (4 with its creator), 7 are refused as full', async () => {
    const owner = await player('healthy', 'owner');
    const created = await api<{ team: Team; joinCode: string }>('healthy', 'POST', '/api/teams', { token: owner.token, body: { name: 'red' } });
    expect(created).toMatchObject({ status: 201, json: { team: { name: 'red', members: ['owner'], activeMembers: 1 }, joinCode: expect.any(String) } });
    expect((await api('healthy', 'POST', '/api/teams', { token: owner.token, body: { name: 'blue' } })).status).toBe(409);
    const joiners = await atOnce(10, (i) => player('healthy', `joiner${i}`));
    const joins = await atOnce(10, (i) => api('healthy', 'POST', '/api/teams/red/join', { token: joiners[i]!.token, body: { joinCode: created.json.joinCode } }));
    expect(joins.filter((j) => j.status === 200)).toHaveLength(3);
    expect(joins.filter((j) => j.status === 409).map((j) => j.json.error)).toEqual(Array(7).fill('team red is full (4 active members)'));
    expect(await sql('healthy', "select count(*) from team_members m join teams t on t.id = m.team_id where t.name = 'red' and m.active")).toBe('4');

    const inside = joiners.filter((_, i) => joins[i]!.status === 200);
    const outside = joiners.filter((_, i) => joins[i]!.status !== 200);
    expect((await api('healthy', 'POST', '/api/teams/red/join', { token: outside[0]!.token, body: { joinCode: 'wrong' } })).status).toBe(403);
    expect((await api<{ team: Team }>('healthy', 'POST', '/api/teams/red/leave', { token: inside[0]!.token })).json.team.activeMembers).toBe(3);
    expect((await api<{ team: Team }>('healthy', 'POST', '/api/teams/red/join', { token: outside[0]!.token, body: { joinCode: created.json.joinCode } })).json.team.activeMembers).toBe(4);
    // A member acts as the team's principal.
    expect((await api('healthy', 'POST', '/api/me/principal', { token: outside[0]!.token })).json).toMatchObject({ created: false, principal: { id: created.json.team.principalId, kind: 'team', team: 'red' } });
  });

  test('admin: the seeded admin (a run secret) lists users, teams and the audit log, disables a user; a player is refused', async () => {
    const login = await api<{ session: { token: string } }>('healthy', 'POST', '/api/login', { body: { email: 'admin@arena.local', password: SECRETS.ARENA_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const admin = login.json.session.token;
    const users = await api<{ users: User[] }>('healthy', 'GET', '/api/admin/users', { token: admin });
    expect(users.json.users.map((u) => u.handle)).toEqual(expect.arrayContaining(['admin', 'ann', 'owner', 'joiner9']));
    expect((await api<{ teams: Team[] }>('healthy', 'GET', '/api/admin/teams', { token: admin })).json.teams).toEqual([expect.objectContaining({ name: 'red', activeMembers: 4 })]);
    expect((await api<{ entries: unknown[] }>('healthy', 'GET', '/api/admin/audit?action=team.join.refused', { token: admin })).json.entries).toHaveLength(8);

    const eve = await player('healthy', 'eve');
    expect((await api('healthy', 'GET', '/api/admin/users', { token: eve.token })).status).toBe(403);
    expect((await api('healthy', 'GET', '/api/admin/users')).status).toBe(401);
    expect(await api('healthy', 'POST', `/api/admin/users/${eve.user.id}/disable`, { token: admin })).toMatchObject({ status: 200, json: { user: { disabled: true }, sessionsEnded: 1 } });
    expect((await api('healthy', 'GET', '/api/me', { token: eve.token })).status).toBe(401);
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'eve@example.test', password: PASSWORD } })).status).toBe(401);
    expect(await sql('healthy', `select detail->>'reason' from audit_log where action = 'login.failed' and user_id = ${eve.user.id}`)).toBe('disabled');
  });

  test('GET /api/vpn/state: only with the token; node C\'s own parser accepts it; solo users are their own team, members are in theirs', async () => {
    expect((await api('healthy', 'GET', '/api/vpn/state')).status).toBe(401);
    expect((await api('healthy', 'GET', '/api/vpn/state', { token: 'not-the-token' })).status).toBe(401);
    const dee = (await api<{ session: { token: string } }>('healthy', 'POST', '/api/login', { body: { email: 'dee@example.test', password: PASSWORD } })).json.session.token;
    const owner = (await api<{ session: { token: string } }>('healthy', 'POST', '/api/login', { body: { email: 'owner@example.test', password: PASSWORD } })).json.session.token;
    const deeKey = publicKey();
    expect(await api('healthy', 'PUT', '/api/me/vpn-key', { token: dee, body: { publicKey: deeKey } })).toMatchObject({ status: 200, json: { vpn: { publicKey: deeKey, address: expect.stringMatching(/^10\.66\.\d+\.\d+$/) } } });
    expect((await api('healthy', 'PUT', '/api/me/vpn-key', { token: owner, body: { publicKey: deeKey } })).status).toBe(409);
    expect((await api('healthy', 'PUT', '/api/me/vpn-key', { token: owner, body: { publicKey: 'not a key' } })).status).toBe(400);
    expect((await api('healthy', 'PUT', '/api/me/vpn-key', { token: owner, body: { publicKey: publicKey() } })).status).toBe(200);

    const state = await api<{ version: number; teams: { id: string; subnet: string; solo: boolean }[]; principals: { id: string; team: string; publicKey: string; address: string }[] }>(
      'healthy', 'GET', '/api/vpn/state', { token: SECRETS.ARENA_VPN_STATE_TOKEN });
    expect(state.status).toBe(200);
    expect(state.json.principals.map((p) => [p.id, p.team])).toEqual([['dee', 'solo-dee'], ['owner', 'red']]);
    expect(state.json.teams).toEqual([
      { id: 'red', subnet: expect.stringMatching(/\/26$/), solo: false },
      { id: 'solo-dee', subnet: expect.stringMatching(/\/26$/), solo: true },
    ]);
    // Node C's validator (reference/node-c/arena/state.py), run on this node against the document.
    const node = nodes.get('healthy')!;
    await node.copyContentToContainer([
      { content: readFileSync(`${ROOT}/reference/node-c/arena/state.py`, 'utf8'), target: '/tmp/nodec/vpnstate.py' },
      { content: JSON.stringify(state.json), target: '/tmp/nodec/state.json' },
    ]);
    const parsed = await node.exec(['python3', '-c', `import sys, json, ipaddress; sys.path.insert(0, "/tmp/nodec"); import vpnstate
s = vpnstate.parse(json.load(open("/tmp/nodec/state.json")), "b", ipaddress.IPv4Network("10.66.0.0/16"), ipaddress.IPv4Network("10.66.255.0/24"))
print(len(s.teams), len(s.principals))`]);
    expect(parsed.stdout.trim(), parsed.output).toBe('2 2');
    expect((await arena<{ state: unknown }>('healthy', ['vpn', 'state'])).json.state).toEqual(state.json);
  });

  test('node C reconciles from B\'s state: a peer per keyed user, a route per principal, each team reaches only its own subnet', async () => {
    const c = async (verb: string) => {
      const result = await nodeC.exec(['arena', 'vpn', verb, '--json']);
      return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as Record<string, unknown> & { error?: string } };
    };
    const reconciled = await c('reconcile');
    expect(reconciled.exitCode, reconciled.json.error).toBe(0);
    expect(reconciled.json).toMatchObject({ ok: true, peers: { added: ['dee', 'owner'], removed: [] }, routes: { total: 2 } });
    const status = await c('status');
    expect(status.json).toMatchObject({ inSync: true, state: { teams: 2, principals: 2 } });
    const tested = await c('test');
    expect(tested.exitCode, tested.json.error).toBe(0);
  });

  test('arena CLI: bootstrap applies 002 and is idempotent; user create|list, team list, audit list answer JSON; a failure says what failed', async () => {
    const bootstrap = await arena<{ applied: string[]; current: string[]; admin: { email: string; created: boolean }; tables: string[] }>('healthy', ['db', 'bootstrap']);
    expect(bootstrap.json).toMatchObject({ ok: true, applied: [], current: [expect.stringMatching(/^\d{3}_\w+$/)], admin: { email: 'admin@arena.local', created: false } });
    expect(await sql('healthy', "select version from schema_migrations where version = '002_accounts'")).toBe('002_accounts');
    expect(bootstrap.json.tables).toEqual(expect.arrayContaining(['password_resets', 'mail_deliveries', 'audit_log']));

    const pw = { PW: 'a password from stdin' };
    const created = await nodes.get('healthy')!.exec(['sh', '-c', 'printf "%s\\n" "$PW" | arena user create fay@example.test --handle fay --json'], { env: pw });
    expect(created.exitCode, created.output).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ ok: true, user: { id: expect.any(Number), email: 'fay@example.test', handle: 'fay', isAdmin: false, disabled: false, vpnPublicKey: null } });
    const again = await nodes.get('healthy')!.exec(['sh', '-c', 'printf "%s\\n" "$PW" | arena user create fay@example.test --handle fay2 --json'], { env: pw });
    expect(again.exitCode).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ ok: false, user: null, error: "email 'fay@example.test' is already registered" });
    expect(again.stderr.trim()).toBe("arena user create: email 'fay@example.test' is already registered");
    expect((await api('healthy', 'POST', '/api/login', { body: { email: 'fay@example.test', password: pw.PW } })).status).toBe(200);

    const users = await arena<{ users: (User & { principal: Principal | null })[] }>('healthy', ['user', 'list']);
    expect(users.json.users.find((u) => u.handle === 'dee')).toMatchObject({ principal: { kind: 'solo' } });
    expect((await arena<{ teams: Team[] }>('healthy', ['team', 'list'])).json.teams).toEqual([
      { id: expect.any(Number), name: 'red', principalId: expect.any(Number), subnet: expect.any(String), members: expect.any(Array), activeMembers: 4, maxMembers: 4 },
    ]);
    const failed = await arena<{ entries: { action: string; actor: string; detail: { reason: string } }[] }>('healthy', ['audit', 'list', '--action', 'login.failed', '--limit', '2']);
    expect(failed.json.entries).toHaveLength(2);
    expect(failed.json.entries[0]).toMatchObject({ action: 'login.failed', actor: 'anonymous' });

    // A failure answers the same shape, says what failed, exits 1.
    const down = await arena('healthy', ['user', 'list'], { ARENA_ENV_FILE: '/nonexistent' });
    expect(down).toMatchObject({ exitCode: 1, json: { ok: false, users: [], error: 'database: /nonexistent lacks ARENA_DB_HOST' } });
    expect(down.stderr.trim()).toBe('arena user list: database: /nonexistent lacks ARENA_DB_HOST');
    await sh('healthy', "sed 's/^ARENA_DB_PORT=.*/ARENA_DB_PORT=5999/' /etc/arena/arena.env > /tmp/wrong-port.env");
    const refused = await arena('healthy', ['team', 'list'], { ARENA_ENV_FILE: '/tmp/wrong-port.env' });
    expect(refused).toMatchObject({ exitCode: 1, json: { ok: false, teams: [], error: expect.stringMatching(/^database: .*5999.*refused/) } });
  });

  test('every lifecycle and security event so far wrote its audit row', async () => {
    expect((await api('healthy', 'GET', '/api/vpn/state', { token: 'wrong' })).status).toBe(401);
    expect(await auditedActions('healthy')).toEqual([
      'admin.denied', 'admin.user.disabled', 'login.failed', 'login.ok', 'logout', 'password.reset.rejected', 'password.reset.requested', 'password.reset.used',
      'principal.created', 'team.created', 'team.join.refused', 'team.joined', 'team.left', 'user.registered', 'vpn.key.set', 'vpn.state.denied',
    ]);
    expect(await sql('healthy', "select count(*) from audit_log where action = 'user.registered'")).toBe(await sql('healthy', 'select count(*) from users'));
  });

  test('/metrics: Prometheus text with requests by method, route and status, latency, audit events', async () => {
    const metrics = await api('healthy', 'GET', '/metrics');
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = metrics.json.text as string;
    expect(text).toContain('# TYPE arena_http_requests_total counter');
    expect(sample(text, /arena_http_requests_total\{method="POST",route="\/api\/teams\/\{name\}\/join",status="409"\}/)).toBe(7);
    expect(sample(text, /arena_http_requests_total\{method="POST",route="\/api\/login",status="401"\}/)).toBeGreaterThanOrEqual(2);
    expect(sample(text, /arena_http_request_duration_seconds_count\{route="\/api\/login"\}/)).toBeGreaterThanOrEqual(10);
    expect(sample(text, /arena_audit_events_total\{action="team.join.refused"\}/)).toBe(8);
    expect(sample(text, /arena_vpn_peers/)).toBe(2);
    // Every sample line is `name{labels} value`: what a Prometheus scrape accepts.
    const sampleLine = /^[a-z_]+(\{([a-z_]+="([^"\\\n]|\\.)*",?)*\})? -?[\d.e+-]+$/;
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(sampleLine);
  });

  test('/readyz turns 503 while the database is down, and the API answers 503 instead of failing', async () => {
    await sh('healthy', 'pg_ctlcluster 15 main stop');
    try {
      expect(await api('healthy', 'GET', '/readyz')).toMatchObject({ status: 503, json: { ready: false, checks: { database: { ok: false } } } });
      expect(await api('healthy', 'POST', '/api/login', { body: { email: 'ann@example.test', password: PASSWORD } })).toMatchObject({ status: 503, json: { error: 'database unavailable' } });
    } finally {
      await sh('healthy', 'pg_ctlcluster 15 main start');
    }
    expect((await api('healthy', 'GET', '/readyz')).status).toBe(200);
  });

  test('with Redis down, requests that need a session answer 503 and /readyz says why', async () => {
    const ann = (await api<{ session: { token: string } }>('healthy', 'POST', '/api/login', { body: { email: 'ann@example.test', password: PASSWORD } })).json.session.token;
    const redis = (cmd: string) => nodes.get('healthy')!.exec(['sh', '-c', cmd], { env: { REDISCLI_AUTH: SECRETS.ARENA_REDIS_PASSWORD! } });
    await redis('redis-cli shutdown nosave');
    try {
      expect(await api('healthy', 'GET', '/api/me', { token: ann })).toMatchObject({ status: 503, json: { error: 'session store unavailable' } });
      expect(await api('healthy', 'GET', '/readyz')).toMatchObject({ status: 503, json: { checks: { redis: { ok: false } } } });
    } finally {
      expect((await redis('redis-server /etc/arena/redis.conf')).exitCode).toBe(0);
    }
    // Redis keeps nothing on disk (`save ""`): its restart signed everyone out, unlike an API restart.
    expect((await api('healthy', 'GET', '/api/me', { token: ann })).status).toBe(401);
  });
});

describe('each accounts fault switch changes what a client observes', () => {
  test('team-cap-unenforced-under-concurrency: joins one at a time stop at 4, concurrent joins overfill the team', async () => {
    const variant = 'team-cap-unenforced-under-concurrency';
    const owner = await player(variant, 'owner');
    const code = (await api<{ joinCode: string }>(variant, 'POST', '/api/teams', { token: owner.token, body: { name: 'red' } })).json.joinCode;
    const sequential = [];
    for (let i = 0; i < 4; i++) sequential.push((await api(variant, 'POST', '/api/teams/red/join', { token: (await player(variant, `seq${i}`)).token, body: { joinCode: code } })).status);
    expect(sequential).toEqual([200, 200, 200, 409]);

    const owner2 = await player(variant, 'owner2');
    const code2 = (await api<{ joinCode: string }>(variant, 'POST', '/api/teams', { token: owner2.token, body: { name: 'blue' } })).json.joinCode;
    const joiners = await atOnce(10, (i) => player(variant, `joiner${i}`));
    await atOnce(10, (i) => api(variant, 'POST', '/api/teams/blue/join', { token: joiners[i]!.token, body: { joinCode: code2 } }));
    expect(Number(await sql(variant, "select count(*) from team_members m join teams t on t.id = m.team_id where t.name = 'blue' and m.active"))).toBeGreaterThan(4);
  });

  test('solo-second-principal: concurrent first requests give one user several personal principals', async () => {
    const variant = 'solo-second-principal';
    const dee = await player(variant, 'dee');
    const answers = await atOnce(10, () => api<{ principal: Principal }>(variant, 'POST', '/api/me/principal', { token: dee.token }));
    expect(new Set(answers.map((a) => a.json.principal.id)).size).toBeGreaterThan(1);
    expect(Number(await sql(variant, `select count(*) from principals where user_id = ${dee.user.id} and kind = 'solo'`))).toBeGreaterThan(1);
  });

  test('session-lost-on-restart: a signed-in player is signed out by an API restart', async () => {
    const variant = 'session-lost-on-restart';
    const ann = await player(variant, 'ann');
    expect((await api(variant, 'GET', '/api/me', { token: ann.token })).status).toBe(200);
    expect((await arena(variant, ['api', 'restart'])).exitCode).toBe(0);
    expect((await api(variant, 'GET', '/api/me', { token: ann.token })).status).toBe(401);
  });

  test('audit-row-missing: a failed login leaves no audit row (a successful one still does)', async () => {
    const variant = 'audit-row-missing';
    await player(variant, 'ann');
    expect((await api(variant, 'POST', '/api/login', { body: { email: 'ann@example.test', password: 'wrong password' } })).status).toBe(401);
    const actions = await auditedActions(variant);
    expect(actions).toEqual(['login.ok', 'user.registered']);
  });

  test('readyz-lies-db-down: /readyz answers 200 while PostgreSQL is down (and the API cannot serve)', async () => {
    const variant = 'readyz-lies-db-down';
    expect((await api(variant, 'GET', '/readyz')).status).toBe(200);
    await sh(variant, 'pg_ctlcluster 15 main stop');
    try {
      expect(await api(variant, 'GET', '/readyz')).toMatchObject({ status: 200, json: { ready: true } });
      expect((await api(variant, 'POST', '/api/login', { body: { email: 'x@example.test', password: PASSWORD } })).status).toBe(503);
    } finally {
      await sh(variant, 'pg_ctlcluster 15 main start');
    }
  });
});
