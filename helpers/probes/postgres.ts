// PostgreSQL probe: connect, run one query, time it.
import pg from 'pg';
import type { PostgresTarget } from '../profile/schema.ts';
import { timed, type ProbeResult } from './result.ts';

export function postgresClient(db: PostgresTarget, timeoutMs = 3_000): pg.Client {
  return new pg.Client({
    host: db.host, port: db.port, database: db.database, user: db.user, password: db.password,
    connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs,
  });
}

export function describePostgres(db: PostgresTarget): string {
  return `postgres ${db.name} at ${db.host}:${db.port}/${db.database}`;
}

export function probePostgres(db: PostgresTarget, sql = 'select 1 as ok'): Promise<ProbeResult<unknown[]>> {
  return timed(describePostgres(db), async () => {
    const client = postgresClient(db);
    try {
      await client.connect();
      const { rows } = await client.query(sql);
      return { detail: `${rows.length} row(s)`, value: rows };
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}
