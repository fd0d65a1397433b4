// PostgreSQL probe: connect, run one query, time it.
import type pg from 'pg';
import type { PostgresTarget } from '../profile/schema.ts';
import { timed, type ProbeResult } from './result.ts';

/** A not yet connected client; pg is loaded on first use. */
export async function postgresClient(db: PostgresTarget, timeoutMs = 3_000): Promise<pg.Client> {
  const { default: { Client } } = await import('pg');
  return new Client({
    host: db.host, port: db.port, database: db.database, user: db.user, password: db.password,
    connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs,
  });
}

export function describePostgres(db: PostgresTarget): string {
  return `postgres ${db.name} at ${db.host}:${db.port}/${db.database}`;
}

export function probePostgres(db: PostgresTarget, sql = 'select 1 as ok'): Promise<ProbeResult<unknown[]>> {
  return timed(describePostgres(db), async () => {
    const client = await postgresClient(db);
    try {
      await client.connect();
      const { rows } = await client.query(sql);
      return { detail: `${rows.length} row(s)`, value: rows };
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}
