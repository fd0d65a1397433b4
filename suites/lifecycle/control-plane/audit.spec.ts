// Seed 000: "an audit_log row for every lifecycle and security event". One player's way through the platform,
// then the rows the database holds for it, event by event.
import { currentProfile } from 'fleetgate';
import { CHANGES_STATE, test, expect } from '../../_support/arena.ts';
import { arenaPlaces, arenaVars } from '../../vars.schema.ts';

const profile = currentProfile();
const vars = arenaVars(profile.vars, 'lifecycle', profile.node);
const database = profile.postgres.find((db) => db.name === arenaPlaces(profile.vars).database);
const [challenge] = vars.challenges as [string, ...string[]];

test('every lifecycle and security event writes an audit row', CHANGES_STATE, async ({ arena, connectPostgres, evidence }) => {
  const player = await arena.player();
  await arena.api.as(null).post('/api/login').send({ email: player.email, password: 'not-the-password' }).expect(401);
  await arena.spawned(challenge, player.principalId);
  await arena.instances.reset(challenge, player.principalId).expect(200);
  await arena.instances.destroy(challenge, player.principalId).expect(200);
  await arena.api.as(player.token).post('/api/logout').expect((r) => expect([200, 204]).toContain(r.status));
  const db = await connectPostgres(database!);
  const { rows } = await db.query<{ action: string }>(
    `select action from audit_log where user_id = $1 or (action like 'instance.%' and detail->>'principal' = $2) order by id`,
    [player.id, String(player.principalId)],
  );
  const actions = rows.map((r) => r.action);
  await evidence('audit rows of the player, in order', actions);
  for (const event of ['user.registered', 'login.ok', 'login.failed', 'principal.created', 'instance.spawn', 'instance.reset', 'instance.destroy', 'logout']) {
    expect(actions, `an audit row for ${event}`).toContain(event);
  }
});
