// Node B's target profile: what a control-plane node of arena must show before it takes traffic.
import type { ProfileInput } from '../../helpers/profile/schema.ts';

export interface NodeBAddress {
  container: string;
  host: string;
  ports: { http: number; https: number; postgres: number; redis: number };
}

export const NODE_B_ROLE = 'control-plane';

export const NODE_B_TABLES = ['users', 'principals', 'teams', 'team_members', 'challenges', 'instances', 'leases', 'audit_log', 'schema_migrations'];

export function nodeBProfile({ container, host, ports }: NodeBAddress): ProfileInput {
  return {
    node: 'arena-b',
    role: NODE_B_ROLE,
    transport: { kind: 'docker', container },
    config: { validate: ['arena', 'env', 'validate', 'control-plane', '--json'] },
    http: [
      { name: 'api', url: `http://${host}:${ports.http}`, health: '/healthz', ready: '/readyz', maxLatencyMs: 500 },
      { name: 'api-tls', url: `https://${host}:${ports.https}`, insecure: true, maxLatencyMs: 500, certMinDaysLeft: 14 },
    ],
    postgres: [
      { name: 'arena-db', host, port: ports.postgres, database: 'arena', user: 'arena', password: '${env:ARENA_DB_PASSWORD}', maxLatencyMs: 250, tables: NODE_B_TABLES },
    ],
    redis: [{ name: 'arena-cache', host, port: ports.redis, password: '${env:ARENA_REDIS_PASSWORD}', maxLatencyMs: 100 }],
    binaries: [
      { name: 'psql', minVersion: '15' },
      { name: 'redis-cli', minVersion: '7' },
      { name: 'python3', minVersion: '3.11' },
      { name: 'openssl', minVersion: '3', versionArgs: ['version'] },
    ],
    headroom: { disk: [{ path: '/var/lib/arena', minFreePercent: 20 }], memory: { minAvailableMiB: 256 } },
  };
}
