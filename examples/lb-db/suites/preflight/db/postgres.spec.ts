import { test, expect, currentProfile } from 'fleetgate';
import { varsFor } from '../../vars.schema.ts';

const { postgres, vars } = currentProfile();
const { minConnections } = varsFor(vars, 'db');

test.for(postgres)(`PostgreSQL $name allows at least ${minConnections} connections`, async (db, { connectPostgres, evidence }) => {
  const client = await connectPostgres(db);
  const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
  const allowed = Number(rows[0]?.max_connections);
  await evidence('max_connections', allowed);
  expect(allowed, 'max_connections').toBeGreaterThanOrEqual(minConnections);
});
