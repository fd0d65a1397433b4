// A precondition of a db node: a gate run against a standby would judge the wrong server, so a node whose
// PostgreSQL is in recovery is blocked (its other suites do not run) rather than failed criterion by criterion.
import { test, expect, currentProfile } from 'fleetgate';

const { postgres } = currentProfile();

test.for(postgres)('PostgreSQL $name is a primary, not in recovery', async (db, { connectPostgres, evidence }) => {
  const client = await connectPostgres(db);
  const { rows } = await client.query<{ in_recovery: boolean }>('select pg_is_in_recovery() as in_recovery');
  const inRecovery = rows[0]?.in_recovery;
  await evidence('pg_is_in_recovery()', inRecovery);
  expect(inRecovery, 'pg_is_in_recovery()').toBe(false);
});
