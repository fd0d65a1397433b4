import { test, expect, currentProfile } from 'fleetgate';

const { postgres } = currentProfile();

test.for(postgres.filter((db) => db.tables.length))(
  'database $name has every expected table after bootstrap',
  async (db, { connectPostgres, evidence }) => {
    const client = await connectPostgres(db);
    const { rows } = await client.query<{ tablename: string }>(
      'select tablename from pg_tables where schemaname = current_schema() order by tablename',
    );
    const present = rows.map((r) => r.tablename);
    await evidence('tables present', present);
    expect(db.tables.filter((t) => !present.includes(t)), 'tables missing').toEqual([]);
  },
);
