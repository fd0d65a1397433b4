// The runbook's instance lifecycle on the control-plane node: spawn -> reset -> destroy per principal and
// challenge, idempotent spawn, leases that end at their TTL, the reconciler, and the registry behind spawns.
// Each criterion makes its own player and instances (run-labelled) and removes them, whatever its outcome.
import { containersLabelled, currentProfile, eventually, type Docker } from 'fleetgate';
import { CHANGES_STATE, test, expect, type Arena, type InstanceView } from '../../_support/arena.ts';
import { arenaPlaces, arenaVars } from '../../vars.schema.ts';

const profile = currentProfile();
const vars = arenaVars(profile.vars, 'lifecycle', profile.node);
const database = profile.postgres.find((db) => db.name === arenaPlaces(profile.vars).database);
const [challenge] = vars.challenges as [string, ...string[]];
/** A reconciler pass may just have run: allow one whole interval, plus the tolerance. */
const reconcileWithinMs = (vars.reconcileIntervalSeconds + vars.leaseToleranceSeconds) * 1000;

/** This control plane's containers of the instance (other control planes may share the daemon and the ids). */
const ofInstance = async (arena: Arena, docker: Docker, instance: InstanceView) => containersLabelled(docker, await arena.labels({ instance: instance.id }));

test('spawn starts one labelled container for the principal and challenge', CHANGES_STATE, async ({ arena, docker, evidence }) => {
  const player = await arena.player();
  const instance = await arena.spawned(challenge, player.principalId);
  expect(instance).toMatchObject({ challenge, principalId: player.principalId, state: 'running', lease: { ttlSeconds: expect.any(Number) } });
  const containers = await ofInstance(arena, docker, instance);
  await evidence('containers', containers.map((c) => ({ id: c.Id.slice(0, 12), state: c.State, labels: c.Labels })));
  expect(containers.map((c) => c.State)).toEqual(['running']);
  expect(containers[0]!.Id).toBe(instance.container?.id);
  expect(containers[0]!.Labels).toMatchObject({ 'arena.principal': String(player.principalId), 'arena.challenge': challenge, 'arena.instance': String(instance.id) });
  await arena.instances.get(challenge, player.principalId).expect(200).expect((r) => expect(r.body.instance.id).toBe(instance.id));
});

test('reset replaces the instance container', CHANGES_STATE, async ({ arena, docker, evidence }) => {
  const player = await arena.player();
  const before = await arena.spawned(challenge, player.principalId);
  const { body } = await arena.instances.reset(challenge, player.principalId).expect(200);
  const after = (body as { instance: InstanceView }).instance;
  await evidence('containers', { before: before.container?.id.slice(0, 12), after: after.container?.id.slice(0, 12) });
  expect(after).toMatchObject({ id: before.id, state: 'running' });
  expect(after.container?.id).not.toBe(before.container?.id);
  const containers = await ofInstance(arena, docker, after);
  expect(containers.map((c) => [c.Id, c.State])).toEqual([[after.container!.id, 'running']]);
});

test('destroy leaves no container behind, nor a network, volume or row of the instance', CHANGES_STATE, async ({ arena, docker, connectPostgres }) => {
  const player = await arena.player();
  const instance = await arena.spawned(challenge, player.principalId);
  await arena.instances.destroy(challenge, player.principalId).expect(200).expect((r) => expect(r.body).toMatchObject({ ok: true, verb: 'destroy' }));
  const label = Object.entries(await arena.labels({ instance: instance.id })).map(([k, v]) => `${k}=${v}`);
  expect(await ofInstance(arena, docker, instance), 'containers of the instance').toEqual([]);
  expect((await docker.listNetworks({ filters: { label } })).map((n) => n.Name), 'networks').toEqual([]);
  expect((await docker.listVolumes({ filters: { label } })).Volumes ?? [], 'volumes').toEqual([]);
  const db = await connectPostgres(database!);
  const { rows } = await db.query('select (select count(*) from instances where id = $1)::int as instances, (select count(*) from leases where instance_id = $1)::int as leases', [instance.id]);
  expect(rows[0], 'rows of the instance').toEqual({ instances: 0, leases: 0 });
  await arena.instances.get(challenge, player.principalId).expect(404);
});

test(`a repeat or concurrent spawn returns the same instance (${vars.concurrentSpawns} at once)`, CHANGES_STATE, async ({ arena, docker, evidence, latency: recorder }) => {
  const player = await arena.player();
  arena.destroyAfterwards(challenge, player.principalId);
  const latency = recorder();
  const answers = await Promise.all(Array.from({ length: vars.concurrentSpawns }, async () => {
    const started = performance.now();
    const response = await arena.instances.spawn(challenge, player.principalId);
    latency.record(performance.now() - started);
    return response;
  }));
  const again = await arena.instances.spawn(challenge, player.principalId).expect(200);
  const containers = await containersLabelled(docker, await arena.labels({ principal: player.principalId, challenge }));
  const inspected = containers[0] ? await docker.getContainer(containers[0].Id).inspect() : undefined;
  await evidence('spawn latency ms', latency.summary());
  if (inspected) await evidence('container start ms', Date.parse(inspected.State.StartedAt) - Date.parse(inspected.Created));
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 201), `one spawn created it (statuses ${statuses.join(', ')})`).toHaveLength(1);
  expect(statuses.filter((s) => s === 200), 'the others found it').toHaveLength(vars.concurrentSpawns - 1);
  const ids = new Set([...answers, again].map((a) => (a.body as { instance: InstanceView }).instance.id));
  expect(ids.size, 'distinct instances answered').toBe(1);
  expect(containers.map((c) => c.State), 'containers for the principal and challenge').toEqual(['running']);
});

test(`an instance is removed when its lease expires (TTL ${vars.leaseTtlSeconds} s, within ${vars.leaseToleranceSeconds} s), and the audit log shows it`, CHANGES_STATE, async ({ arena, docker, connectPostgres, evidence }) => {
  const player = await arena.player();
  const asked = Date.now();
  const instance = await arena.spawned(challenge, player.principalId, vars.leaseTtlSeconds);
  expect(instance.lease?.ttlSeconds).toBe(vars.leaseTtlSeconds);
  const ttlMs = vars.leaseTtlSeconds * 1000;
  // Just before the TTL it is still there: the lease began no earlier than the request.
  const justBefore = asked + ttlMs - 500;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, justBefore - Date.now())));
  expect(await ofInstance(arena, docker, instance), 'the instance just before its TTL').toHaveLength(1);
  const gone = await eventually(async () => {
    expect(await ofInstance(arena, docker, instance)).toEqual([]);
    return Date.now();
  }, { within: ttlMs + vars.leaseToleranceSeconds * 1000 - (Date.now() - asked), every: 100, what: `instance ${instance.id}'s container to go` });
  await evidence('removed after its TTL, ms', gone - (asked + ttlMs));
  const db = await connectPostgres(database!);
  const { rows } = await db.query("select count(*)::int as expired from audit_log where action = 'instance.expire' and detail->>'instance' = $1", [String(instance.id)]);
  expect(rows[0]?.expired, 'instance.expire rows in the audit log').toBe(1);
});

test('a spawn the registry cannot serve fails with the reason, and nothing is left', CHANGES_STATE, async ({ arena, docker }) => {
  const player = await arena.player();
  arena.destroyAfterwards(vars.unpublishedChallenge, player.principalId);
  const { body } = await arena.instances.spawn(vars.unpublishedChallenge, player.principalId).expect(502);
  expect(body).toMatchObject({ ok: false, instance: null });
  expect((body as { error: string }).error).toMatch(new RegExp(`lacks challenge image \\S*challenges/${vars.unpublishedChallenge}:latest`));
  expect(await containersLabelled(docker, await arena.labels({ principal: player.principalId }))).toEqual([]);
});

// Restarting the API interrupts it for a moment: refused unless --allow-destructive.
test('a spawn after an API restart returns the same instance', { tags: [...CHANGES_STATE.tags, 'destructive'] }, async ({ arena, node, docker }) => {
  const player = await arena.player();
  const instance = await arena.spawned(challenge, player.principalId);
  expect(await node.run('arena', ['api', 'restart', '--json'])).toSucceed();
  const { body } = await arena.instances.spawn(challenge, player.principalId).expect(200);
  expect((body as { instance: InstanceView }).instance).toMatchObject({ id: instance.id, container: { id: instance.container!.id } });
  expect(await ofInstance(arena, docker, instance)).toHaveLength(1);
});

test('the reconciler removes a labelled container that has no row', CHANGES_STATE, async ({ arena, docker, made, evidence }) => {
  const player = await arena.player();
  const instance = await arena.spawned(challenge, player.principalId);
  const controller = await arena.controller();
  // A container of this controller's, with no row behind it (a crashed spawn, a row restored from backup).
  const orphan = await docker.createContainer({
    name: made.name('orphan'), Image: instance.image,
    Labels: { 'arena.controller': controller, 'arena.instance': '0', 'arena.principal': String(player.principalId), 'arena.challenge': challenge },
  });
  made.add(`orphan container ${orphan.id.slice(0, 12)}`, orphan, (c) => c.remove({ force: true }).catch((e: { statusCode?: number }) => {
    if (e.statusCode !== 404) throw e;
  }));
  await orphan.start();
  const started = Date.now();
  const orphanLabels = await arena.labels({ instance: 0, principal: player.principalId });
  await eventually(async () => expect(await containersLabelled(docker, orphanLabels)).toEqual([]),
    { within: reconcileWithinMs, every: 250, what: 'the orphan container to be removed' });
  await evidence('removed after ms', Date.now() - started);
  expect(await ofInstance(arena, docker, instance), 'the instance with a row stays').toHaveLength(1);
});

test('the reconciler marks an instance whose container vanished', CHANGES_STATE, async ({ arena, docker, evidence }) => {
  const player = await arena.player();
  const instance = await arena.spawned(challenge, player.principalId);
  await docker.getContainer(instance.container!.id).remove({ force: true });
  const started = Date.now();
  await eventually(async () => {
    const { body } = await arena.instances.get(challenge, player.principalId).expect(200);
    expect((body as { instance: InstanceView }).instance.state).toBe('vanished');
  }, { within: reconcileWithinMs, every: 250, what: `instance ${instance.id} to be marked vanished` });
  await evidence('marked after ms', Date.now() - started);
});
