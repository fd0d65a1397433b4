// Reference node B's mail outbox (seed 002, issue 7): the delivery worker and its local SMTP sink, dead
// letters after the configured attempts, resend (attempt numbers keep counting; 409 on a sent row), the
// admin surface and `arena mail`; and each mail fault switch, which must change what a check observes in
// the way its name says. One node per variant, started side by side, reached over a published port.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { eventually } from '../../helpers/eventually.ts';
import { leftoverContainers, removeRun } from '../../reference/run-containers.ts';
import { nodeBSecrets, startNodeBVariants } from './node-b-variants.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-b-mail-${randomBytes(4).toString('hex')}`;
const MUTANTS = ['mail-resend-of-sent-accepted', 'mail-dead-letter-never-reached', 'mail-attempt-no-restarts', 'mail-worker-no-row-lock'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
const nodes = new Map<Variant, StartedTestContainer>();
const SECRETS = nodeBSecrets();
// The sink's domains (the node's mail.env defaults): refused for good, and for now.
const UNDELIVERABLE = 'undeliverable.test';
const DEFERRED = 'deferred.test';

interface Delivery {
  id: number; recipient: string; template: string; subject: string; status: 'pending' | 'retrying' | 'sent' | 'dead_lettered';
  cycleAttempts: number; resends: number; nextAttemptAt: string | null; lastError: string | null; createdAt: string;
  updatedAt: string; sentAt: string | null; deadLetteredAt: string | null; lastAttemptNo: number;
}
interface Attempt { attemptNo: number; cycle: number; worker: string; startedAt: string; finishedAt: string; outcome: 'sent' | 'failed'; smtpCode: number | null; error: string | null }
interface Listing { status: string | null; page: number; pageSize: number; total: number; deliveries: Delivery[] }
interface Policy { maxAttempts: number; workerIntervalSeconds: number; backoffSeconds: { base: number; max: number } }
interface SinkMessage { deliveryId: number | null; attemptNo: number | null; to: string[]; subject: string; messageId: string; from: string; receivedAt: string; bytes: number }
interface Sink { file: string; messages: SinkMessage[]; refused: { to: string; code: number; reply: string }[] }
type Json<T> = T & { error?: string };

function baseUrl(variant: Variant): string {
  const node = nodes.get(variant)!;
  return `http://${node.getHost() === 'localhost' ? '127.0.0.1' : node.getHost()}:${node.getMappedPort(8080)}`;
}

async function api<T = Record<string, unknown>>(variant: Variant, method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<{ status: number; json: Json<T> }> {
  const response = await fetch(`${baseUrl(variant)}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : { text }) as Json<T> };
}

async function arena<T = Record<string, unknown>>(variant: Variant, args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; json: Json<T> & { ok: boolean }; stdout: string; stderr: string }> {
  const result = await nodes.get(variant)!.exec(['arena', ...args, '--json'], { env });
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as Json<T> & { ok: boolean }, stdout: result.stdout, stderr: result.stderr };
}

async function sql(variant: Variant, query: string): Promise<string> {
  const result = await nodes.get(variant)!.exec(['psql', '-Atq', '-h', '127.0.0.1', '-U', 'arena', '-d', 'arena', '-c', query], { env: { PGPASSWORD: SECRETS.ARENA_DB_PASSWORD! } });
  expect(result.exitCode, result.output).toBe(0);
  return result.stdout.trim();
}

const adminTokens = new Map<Variant, string>();
/** The seeded admin's session (its password is a run secret). */
async function admin(variant: Variant): Promise<string> {
  if (!adminTokens.has(variant)) {
    const login = await api<{ session: { token: string } }>(variant, 'POST', '/api/login', { body: { email: 'admin@arena.local', password: SECRETS.ARENA_ADMIN_PASSWORD } });
    expect(login.status, login.json.error).toBe(200);
    adminTokens.set(variant, login.json.session.token);
  }
  return adminTokens.get(variant)!;
}

/** A test message through the outbox (POST /api/admin/mail/test). */
async function queue(variant: Variant, to: string): Promise<Delivery> {
  const queued = await api<{ delivery: Delivery }>(variant, 'POST', '/api/admin/mail/test', { token: await admin(variant), body: { to } });
  expect(queued.status, queued.json.error).toBe(201);
  return queued.json.delivery;
}

const delivery = async (variant: Variant, id: number): Promise<Delivery> =>
  (await api<{ delivery: Delivery }>(variant, 'GET', `/api/admin/mail/deliveries/${id}`, { token: await admin(variant) })).json.delivery;
const attempts = async (variant: Variant, id: number): Promise<Attempt[]> =>
  (await api<{ attempts: Attempt[] }>(variant, 'GET', `/api/admin/mail/deliveries/${id}/attempts`, { token: await admin(variant) })).json.attempts;
const resend = async (variant: Variant, id: number) =>
  api<{ delivery: Delivery; previousStatus: string; deliveryStatus?: string }>(variant, 'POST', `/api/admin/mail/deliveries/${id}/resend`, { token: await admin(variant) });
const sink = async (variant: Variant, to?: string): Promise<Sink> => (await arena<Sink>(variant, ['mail', 'sink', ...(to ? ['--to', to] : [])])).json;

/** The delivery once it has reached `status`, polled by the admin API. */
const reaches = (variant: Variant, id: number, status: Delivery['status'], within = 15_000): Promise<Delivery> =>
  eventually(async () => { const found = await delivery(variant, id); return found.status === status && found; }, { within, what: `delivery ${id} ${status}` }) as Promise<Delivery>;

/** `count` deliveries due together a few seconds from now, raced for by two `arena mail work --workers 4` (each
 * polling every 50 ms by then) and the API's own worker; once all are sent, how many times the sink received each. */
async function concurrentDelivery(variant: Variant, count = 30): Promise<Map<number, number>> {
  const ids = (await sql(variant, `insert into mail_deliveries (recipient, template, subject, body, next_attempt_at)
    select 'burst' || n || '@example.test', 'test', 'burst ' || n, 'hello', now() + interval '3 seconds' from generate_series(1, ${count}) n returning id`)).split('\n').map(Number);
  const runs = await Promise.all([0, 1].map(() => arena(variant, ['mail', 'work', '--workers', '4', '--for', '5'])));
  for (const run of runs) expect(run.exitCode, run.json.error).toBe(0);
  await eventually(async () => Number(await sql(variant, `select count(*) from mail_deliveries where id in (${ids}) and status = 'sent'`)) === count, { what: 'every burst delivery sent' });
  const received = new Map<number, number>(ids.map((id) => [id, 0]));
  for (const message of (await sink(variant)).messages) if (received.has(message.deliveryId!)) received.set(message.deliveryId!, received.get(message.deliveryId!)! + 1);
  return received;
}

const policy = async (variant: Variant): Promise<Policy> => (await api<{ policy: Policy }>(variant, 'GET', '/api/admin/mail/deliveries', { token: await admin(variant) })).json.policy;
const numbers = (found: Attempt[]): number[] => found.map((a) => a.attemptNo);

beforeAll(async () => {
  for (const [variant, node] of await startNodeBVariants(RUN, ['healthy', ...MUTANTS] as const, SECRETS)) nodes.set(variant, node);
}, 180_000);

afterAll(async () => {
  await removeRun(RUN);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node B', () => {
  test('a password-reset mail reaches the sink once: sent after one attempt; the sink and the API show headers, never the token', async () => {
    expect((await api('healthy', 'POST', '/api/register', { body: { email: 'ann@example.test', handle: 'ann', password: 'correct horse battery' } })).status).toBe(201);
    expect((await api('healthy', 'POST', '/api/password-reset', { body: { email: 'ann@example.test' } })).status).toBe(202);
    const id = Number(await sql('healthy', "select id from mail_deliveries where recipient = 'ann@example.test'"));
    const sent = await reaches('healthy', id, 'sent');
    expect(sent).toMatchObject({ template: 'password-reset', subject: 'Reset your arena password', cycleAttempts: 1, lastAttemptNo: 1, lastError: null, sentAt: expect.any(String), nextAttemptAt: null });
    expect(await attempts('healthy', id)).toEqual([{ attemptNo: 1, cycle: 0, worker: expect.stringMatching(/^api:\d+$/), startedAt: expect.any(String), finishedAt: expect.any(String), outcome: 'sent', smtpCode: null, error: null }]);

    const received = await arena<Sink>('healthy', ['mail', 'sink', '--to', 'ann@example.test']);
    expect(received.json.messages).toEqual([expect.objectContaining({ deliveryId: id, attemptNo: 1, to: ['ann@example.test'], from: 'arena@arena.local', subject: 'Reset your arena password', messageId: `<delivery-${id}.attempt-1@arena>` })]);
    const token = /^([\w-]{40,})$/m.exec(await sql('healthy', `select body from mail_deliveries where id = ${id}`))![1]!;
    expect(received.stdout).not.toContain(token);
    expect(JSON.stringify(await api('healthy', 'GET', '/api/admin/mail/deliveries', { token: await admin('healthy') }))).not.toContain(token);
  });

  test('a delivery that cannot be sent is dead-lettered after the configured attempts, with a growing backoff between them, and audited', async () => {
    const { maxAttempts, backoffSeconds } = await policy('healthy');
    expect(maxAttempts).toBe(3);
    const queued = await queue('healthy', `bob@${UNDELIVERABLE}`);
    const dead = await reaches('healthy', queued.id, 'dead_lettered');
    expect(dead).toMatchObject({ cycleAttempts: maxAttempts, lastAttemptNo: maxAttempts, deadLetteredAt: expect.any(String), lastError: expect.stringContaining('550 5.1.1') });
    const tried = await attempts('healthy', queued.id);
    expect(tried.map((a) => [a.attemptNo, a.cycle, a.outcome, a.smtpCode])).toEqual([[1, 0, 'failed', 550], [2, 0, 'failed', 550], [3, 0, 'failed', 550]]);
    // Attempt n+1 waits at least base * 2^(n-1) seconds after attempt n.
    for (let n = 1; n < tried.length; n++) {
      const waited = Date.parse(tried[n]!.startedAt) - Date.parse(tried[n - 1]!.finishedAt);
      expect(waited, `wait before attempt ${n + 1}`).toBeGreaterThanOrEqual(backoffSeconds.base * 2 ** (n - 1) * 1000 - 20);
    }
    expect((await sink('healthy', `bob@${UNDELIVERABLE}`)).refused.map((r) => r.code)).toEqual([550, 550, 550]);
    const letters = await api<Listing>('healthy', 'GET', '/api/admin/mail/dead-letters', { token: await admin('healthy') });
    expect(letters.json.deliveries.map((d) => d.id)).toContain(queued.id);
    expect((await arena<Listing>('healthy', ['mail', 'dead-letters'])).json.deliveries.map((d) => d.id)).toContain(queued.id);
    expect(await sql('healthy', `select actor || ' ' || (detail->>'cycleAttempts') from audit_log where action = 'mail.dead_lettered' and (detail->>'delivery')::int = ${queued.id}`)).toBe('mail-worker 3');
  });

  test('resend re-arms a dead letter for a new cycle whose attempt numbers keep counting (4, 5, 6), and is audited', async () => {
    const queued = await queue('healthy', `cy@${UNDELIVERABLE}`);
    await reaches('healthy', queued.id, 'dead_lettered');
    const again = await resend('healthy', queued.id);
    expect(again).toMatchObject({ status: 200, json: { previousStatus: 'dead_lettered', delivery: { id: queued.id, status: 'pending', cycleAttempts: 0, resends: 1, deadLetteredAt: null } } });
    await reaches('healthy', queued.id, 'dead_lettered');
    const tried = await attempts('healthy', queued.id);
    expect(tried.map((a) => [a.attemptNo, a.cycle])).toEqual([[1, 0], [2, 0], [3, 0], [4, 1], [5, 1], [6, 1]]);
    expect(await sql('healthy', `select actor like 'admin:%' from audit_log where action = 'mail.resend' and (detail->>'delivery')::int = ${queued.id}`)).toBe('t');
  });

  test('resend is allowed for a pending and a retrying delivery too; the mail then goes out', async () => {
    // Parked an hour ahead, so each is seen in its state (a test's doing: the worker would move it on within a second).
    const pending = Number(await sql('healthy', "insert into mail_deliveries (recipient, template, subject, body, next_attempt_at) values ('dee@example.test', 'test', 'later', 'x', now() + interval '1 hour') returning id"));
    expect(await resend('healthy', pending)).toMatchObject({ status: 200, json: { previousStatus: 'pending', delivery: { status: 'pending' } } });
    await reaches('healthy', pending, 'sent');

    const deferred = await queue('healthy', `eve@${DEFERRED}`);
    await reaches('healthy', deferred.id, 'retrying');
    await sql('healthy', `update mail_deliveries set next_attempt_at = now() + interval '1 hour' where id = ${deferred.id}`);
    expect(await resend('healthy', deferred.id)).toMatchObject({ status: 200, json: { previousStatus: 'retrying', delivery: { status: 'pending', cycleAttempts: 0 } } });
    await reaches('healthy', deferred.id, 'dead_lettered');
    const tried = await attempts('healthy', deferred.id);
    expect(tried.at(-1)).toMatchObject({ attemptNo: tried.length, cycle: 1, smtpCode: 451 });
  });

  test('resend on a sent delivery answers 409 and changes nothing; unknown deliveries 404; a bad status 400', async () => {
    const queued = await queue('healthy', 'fay@example.test');
    await reaches('healthy', queued.id, 'sent');
    const refused = await resend('healthy', queued.id);
    expect(refused).toMatchObject({
      status: 409, json: { error: `mail delivery ${queued.id} is sent: only a pending, retrying or dead_lettered delivery can be resent`, deliveryId: queued.id, deliveryStatus: 'sent' },
    });
    expect(await arena('healthy', ['mail', 'work'])).toMatchObject({ exitCode: 0, json: { sent: [] } });
    expect(await delivery('healthy', queued.id)).toMatchObject({ status: 'sent', resends: 0, lastAttemptNo: 1 });
    expect((await sink('healthy', 'fay@example.test')).messages).toHaveLength(1);
    expect(await sql('healthy', `select count(*) from audit_log where action = 'mail.resend.refused' and (detail->>'delivery')::int = ${queued.id}`)).toBe('1');

    const cli = await arena('healthy', ['mail', 'resend', String(queued.id)]);
    expect(cli).toMatchObject({ exitCode: 1, json: { ok: false, delivery: null, previousStatus: null, error: refused.json.error } });
    expect(cli.stderr.trim()).toBe(`arena mail resend: ${refused.json.error}`);

    const token = await admin('healthy');
    expect(await api('healthy', 'POST', '/api/admin/mail/deliveries/999999/resend', { token })).toMatchObject({ status: 404, json: { error: 'no mail delivery 999999' } });
    expect((await api('healthy', 'POST', '/api/admin/mail/deliveries/abc/resend', { token })).status).toBe(404);
    expect((await api('healthy', 'GET', '/api/admin/mail/deliveries/999999', { token })).status).toBe(404);
    expect((await api('healthy', 'GET', '/api/admin/mail/deliveries/999999/attempts', { token })).status).toBe(404);
    expect(await api('healthy', 'GET', '/api/admin/mail/deliveries?status=lost', { token })).toMatchObject({ status: 400, json: { error: expect.stringContaining("unknown status 'lost'") } });
  });

  test('the outbox is for admins only: a player gets 403 (audited), nobody signed in 401', async () => {
    expect((await api('healthy', 'POST', '/api/register', { body: { email: 'gus@example.test', handle: 'gus', password: 'correct horse battery' } })).status).toBe(201);
    const gus = (await api<{ session: { token: string } }>('healthy', 'POST', '/api/login', { body: { email: 'gus@example.test', password: 'correct horse battery' } })).json.session.token;
    const routes: [string, string][] = [['GET', '/api/admin/mail/deliveries'], ['GET', '/api/admin/mail/dead-letters'], ['GET', '/api/admin/mail/deliveries/1'],
      ['GET', '/api/admin/mail/deliveries/1/attempts'], ['POST', '/api/admin/mail/deliveries/1/resend'], ['POST', '/api/admin/mail/test']];
    for (const [method, path] of routes) {
      const body = method === 'POST' ? { to: 'x@example.test' } : undefined;
      expect((await api('healthy', method, path, { token: gus, body })).status, `${method} ${path} as a player`).toBe(403);
      expect((await api('healthy', method, path, { body })).status, `${method} ${path} signed out`).toBe(401);
    }
    expect(await sql('healthy', "select count(*) from audit_log where action = 'admin.denied' and detail->>'path' like '/api/admin/mail/%'")).toBe(String(routes.length));
  });

  test('concurrent mail workers send each delivery once: 30 deliveries, the API\'s worker and two `arena mail work --workers 4` at once', async () => {
    const received = await concurrentDelivery('healthy');
    expect([...received.values()]).toEqual(Array(30).fill(1));
    expect(await sql('healthy', "select count(*), count(distinct delivery_id), max(attempt_no) from mail_attempts a join mail_deliveries d on d.id = a.delivery_id where d.recipient like 'burst%'")).toBe('30|30|1');
  });

  test('arena mail: list, show, attempts, test and work answer JSON in a stable shape; a failure says what failed', async () => {
    const listed = await arena<Listing & { counts: Record<string, number>; policy: Policy }>('healthy', ['mail', 'list', '--status', 'sent']);
    expect(listed.exitCode).toBe(0);
    expect(listed.json).toMatchObject({ ok: true, status: 'sent', page: 1, pageSize: 50, total: listed.json.counts.sent, policy: { maxAttempts: 3 } });
    expect(Object.keys(listed.json.counts)).toEqual(['dead_lettered', 'pending', 'retrying', 'sent']);
    expect(new Set(listed.json.deliveries.map((d) => d.status))).toEqual(new Set(['sent']));
    const queued = await arena<{ delivery: Delivery }>('healthy', ['mail', 'test', 'hal@example.test']);
    expect(queued.json).toMatchObject({ ok: true, delivery: { recipient: 'hal@example.test', template: 'test', status: 'pending' } });
    await reaches('healthy', queued.json.delivery.id, 'sent');
    expect((await arena<{ delivery: Delivery }>('healthy', ['mail', 'show', String(queued.json.delivery.id)])).json.delivery).toEqual(await delivery('healthy', queued.json.delivery.id));
    expect((await arena('healthy', ['mail', 'attempts', String(queued.json.delivery.id)])).json).toEqual({ ok: true, deliveryId: queued.json.delivery.id, attempts: await attempts('healthy', queued.json.delivery.id) });
    expect(await arena('healthy', ['mail', 'test', 'not-an-address'])).toMatchObject({ exitCode: 1, json: { ok: false, delivery: null, error: "'not-an-address' is not an email address" } });
    expect(await arena('healthy', ['mail', 'show', '999999'])).toMatchObject({ exitCode: 1, json: { ok: false, delivery: null, error: 'no mail delivery 999999' } });

    const down = await arena('healthy', ['mail', 'list'], { ARENA_ENV_FILE: '/nonexistent' });
    expect(down).toMatchObject({ exitCode: 1, json: { ok: false, deliveries: [], total: 0, error: 'database: /nonexistent lacks ARENA_DB_HOST' } });
    expect(down.stderr.trim()).toBe('arena mail list: database: /nonexistent lacks ARENA_DB_HOST');
    expect(await arena('healthy', ['mail', 'work'], { ARENA_ENV_FILE: '/nonexistent' })).toMatchObject({ exitCode: 1, json: { ok: false, error: expect.stringContaining('ARENA_DB_HOST') } });
  });

  test('/metrics: deliveries by status, counted in the database, and the API worker\'s attempts by outcome', async () => {
    const counts = (await arena<{ counts: Record<string, number> }>('healthy', ['mail', 'list'])).json.counts;
    const text = (await api('healthy', 'GET', '/metrics')).json.text as string;
    expect(text).toContain('# TYPE arena_mail_deliveries gauge');
    for (const [status, count] of Object.entries(counts)) expect(text).toMatch(new RegExp(`^arena_mail_deliveries\\{status="${status}"\\} ${count}$`, 'm'));
    expect(Number(/^arena_mail_attempts_total\{outcome="failed"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(6);
  });
});

describe('each mail fault switch changes what a check observes', () => {
  test('mail-resend-of-sent-accepted: resend of a sent delivery answers 200 and the mail goes out again', async () => {
    const variant = 'mail-resend-of-sent-accepted';
    const queued = await queue(variant, 'ivy@example.test');
    await reaches(variant, queued.id, 'sent');
    expect(await resend(variant, queued.id)).toMatchObject({ status: 200, json: { previousStatus: 'sent' } });
    await eventually(async () => (await sink(variant, 'ivy@example.test')).messages.length === 2, { what: 'a second copy in the sink' });
    expect(numbers(await attempts(variant, queued.id))).toEqual([1, 2]);
  });

  test('mail-dead-letter-never-reached: a delivery that cannot be sent is retried past the configured attempts, never dead-lettered', async () => {
    const variant = 'mail-dead-letter-never-reached';
    const { maxAttempts } = await policy(variant);
    const queued = await queue(variant, `jay@${UNDELIVERABLE}`);
    await eventually(async () => (await attempts(variant, queued.id)).length > maxAttempts, { what: `more than ${maxAttempts} attempts` });
    expect(await delivery(variant, queued.id)).toMatchObject({ status: 'retrying', deadLetteredAt: null });
    expect((await api<Listing>(variant, 'GET', '/api/admin/mail/dead-letters', { token: await admin(variant) })).json.total).toBe(0);
  });

  test('mail-attempt-no-restarts: after a resend the attempt numbers start again at 1', async () => {
    const variant = 'mail-attempt-no-restarts';
    const queued = await queue(variant, `kim@${UNDELIVERABLE}`);
    await reaches(variant, queued.id, 'dead_lettered');
    expect((await resend(variant, queued.id)).status).toBe(200);
    await reaches(variant, queued.id, 'dead_lettered');
    expect(numbers(await attempts(variant, queued.id))).toEqual([1, 2, 3, 1, 2, 3]);
  });

  test('mail-worker-no-row-lock: concurrent workers send some deliveries twice', async () => {
    const received = await concurrentDelivery('mail-worker-no-row-lock');
    expect(Math.max(...received.values())).toBeGreaterThan(1);
  });
});
