// Seed 002's mail outbox on the control-plane node: dead letters after the configured attempts, resend that
// re-arms and keeps counting attempts, 409 on a sent delivery, and workers racing without sending twice.
// Test messages go to the node's relay (its sink); each is purged afterwards.
import { currentProfile, eventually } from 'fleetgate';
import { CHANGES_STATE, test, expect, type Arena, type Delivery, type MailPolicy } from '../../_support/arena.ts';
import { arenaPlaces, arenaVars } from '../../vars.schema.ts';

const profile = currentProfile();
const { mail } = arenaVars(profile.vars, 'lifecycle', profile.node);
const database = profile.postgres.find((db) => db.name === arenaPlaces(profile.vars).database);

/** How long a cycle of failing attempts may take under the policy: every worker pass and backoff, plus slack. */
function cycleMs({ maxAttempts, workerIntervalSeconds, backoffSeconds }: MailPolicy): number {
  const backoffs = Array.from({ length: maxAttempts }, (_, n) => Math.min(backoffSeconds.base * 2 ** n, backoffSeconds.max));
  return (maxAttempts * workerIntervalSeconds + backoffs.reduce((a, b) => a + b, 0)) * 1000 + 5_000;
}

async function reaches(arena: Arena, id: number, status: Delivery['status'], withinMs: number): Promise<Delivery> {
  return eventually(async () => {
    const delivery = await arena.mail.get(id);
    expect(delivery.status).toBe(status);
    return delivery;
  }, { within: withinMs, every: 200, what: `mail delivery ${id} to be ${status}` });
}

test('a delivery that cannot be sent is dead-lettered after the configured attempts', CHANGES_STATE, async ({ arena, made, evidence }) => {
  const policy = await arena.mail.policy();
  const queued = await arena.mail.queueTest(`${made.name('dead')}@${mail.undeliverableDomain}`);
  const dead = await reaches(arena, queued.id, 'dead_lettered', cycleMs(policy));
  const attempts = await arena.mail.attemptNumbers(queued.id);
  await evidence('policy', policy);
  await evidence('attempts', attempts);
  expect(dead.cycleAttempts).toBe(policy.maxAttempts);
  expect(attempts).toEqual(Array.from({ length: policy.maxAttempts }, (_, i) => i + 1));
  const { body } = await arena.mail.deadLetters().expect(200);
  expect((body as { deliveries: Delivery[] }).deliveries.map((d) => d.id)).toContain(queued.id);
});

test('resend re-arms a dead letter, and attempt numbers keep counting across resends', CHANGES_STATE, async ({ arena, made, evidence }) => {
  const policy = await arena.mail.policy();
  const queued = await arena.mail.queueTest(`${made.name('again')}@${mail.undeliverableDomain}`);
  await reaches(arena, queued.id, 'dead_lettered', cycleMs(policy));
  const { body } = await arena.mail.resend(queued.id).expect(200);
  expect(body).toMatchObject({ previousStatus: 'dead_lettered', delivery: { id: queued.id, status: 'pending', resends: 1 } });
  const again = await reaches(arena, queued.id, 'dead_lettered', cycleMs(policy));
  const attempts = await arena.mail.attemptNumbers(queued.id);
  await evidence('attempt numbers', attempts);
  expect(again).toMatchObject({ resends: 1, cycleAttempts: policy.maxAttempts, lastAttemptNo: 2 * policy.maxAttempts });
  expect(attempts).toEqual(Array.from({ length: 2 * policy.maxAttempts }, (_, i) => i + 1));
});

test('resend on a sent delivery answers 409, and nothing is sent twice', CHANGES_STATE, async ({ arena, made, node }) => {
  const policy = await arena.mail.policy();
  const to = `${made.name('sent')}@${mail.deliverableDomain}`;
  const queued = await arena.mail.queueTest(to);
  await reaches(arena, queued.id, 'sent', cycleMs(policy));
  const { body } = await arena.mail.resend(queued.id).expect(409);
  expect(body).toMatchObject({ deliveryId: queued.id, deliveryStatus: 'sent' });
  expect((body as { error: string }).error).toMatch(/is sent: only a pending, retrying or dead_lettered delivery can be resent/);
  // Give a wrongly re-armed delivery a worker pass to go out again, then count what the relay received.
  await new Promise((resolve) => setTimeout(resolve, (policy.workerIntervalSeconds + 1) * 1000));
  const sink = await node.run('arena', ['mail', 'sink', '--to', to, '--json']);
  expect(sink).toSucceed();
  const received = (sink.json as { messages: { deliveryId: number }[] }).messages.filter((m) => m.deliveryId === queued.id);
  expect(received, 'copies the relay received').toHaveLength(1);
  expect((await arena.mail.get(queued.id)).status).toBe('sent');
});

test(`concurrent mail workers send each delivery once (${mail.racedDeliveries} deliveries, two workers of 4 threads and the API's)`, CHANGES_STATE, async ({ arena, made, node, connectPostgres, evidence }) => {
  const db = await connectPostgres(database!);
  const label = made.name('race');
  // Due together a moment from now, so the workers started meanwhile all race for them.
  const { rows } = await db.query<{ id: number }>(
    `insert into mail_deliveries (recipient, template, subject, body, next_attempt_at)
     select $1 || '-' || n || '@' || $2, 'test', 'race ' || n, 'hello', now() + interval '3 seconds' from generate_series(1, $3::int) n returning id`,
    [label, mail.deliverableDomain, mail.racedDeliveries],
  );
  const ids = rows.map((r) => Number(r.id));
  for (const id of ids) arena.mail.purgeAfterwards({ id });
  const work = (): ReturnType<typeof node.run> => node.run('arena', ['mail', 'work', '--workers', '4', '--for', '6', '--json'], { timeoutMs: 30_000 });
  const workers = await Promise.all([work(), work()]);
  for (const worker of workers) expect(worker).toSucceed();
  // What the relay received: a delivery a worker sent twice arrives twice, whatever the rows say.
  const sink = await node.run('arena', ['mail', 'sink', '--json']);
  expect(sink).toSucceed();
  const copies = new Map(ids.map((id) => [id, 0]));
  for (const { deliveryId } of (sink.json as { messages: { deliveryId: number }[] }).messages) if (copies.has(deliveryId)) copies.set(deliveryId, copies.get(deliveryId)! + 1);
  const sentTwice = [...copies].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} copies)`);
  await evidence('deliveries the relay received more than once', sentTwice);
  const states = await Promise.all(ids.map((id) => arena.mail.get(id)));
  expect(states.filter((d) => d.status !== 'sent').map((d) => `${d.id}: ${d.status}`), 'deliveries not sent').toEqual([]);
  expect(sentTwice, 'deliveries sent twice').toEqual([]);
  expect([...copies.values()].filter((n) => n === 0), 'deliveries the relay never received').toEqual([]);
});
