// Node B's target profile: what a control-plane node of arena must show before it takes traffic.
import type { ProfileInput } from '../../helpers/profile/schema.ts';

export interface NodeBAddress {
  /** How specs run commands there: `docker exec` from the host, or locally when the gate runs on the node. */
  transport: ProfileInput['transport'];
  host: string;
  ports: { http: number; https: number; postgres: number; redis: number };
  /** The node's name (default arena-b) and, on the node, the hostname its profile pins. */
  node?: string;
  match?: ProfileInput['match'];
}

/** Ports as node B itself listens: what a profile for the gate running on the node uses. */
export const NODE_B_PORTS = { http: 8080, https: 8443, postgres: 5432, redis: 6379 } as const;

export const NODE_B_ROLE = 'control-plane';

export const NODE_B_TABLES = [
  'users', 'principals', 'teams', 'team_members', 'challenges', 'instances', 'leases', 'audit_log', 'schema_migrations',
  'password_resets', 'mail_deliveries', 'mail_attempts', 'user_appearance',
];

/** The reference deployment's settings for node B (env its entrypoint reads): a reconciler pass every 3 s, so its
 * criteria finish within an iteration; a catalogue with one challenge the registry does not serve yet (crypto-intro). */
export const NODE_B_SETTINGS = { ARENA_RECONCILE_INTERVAL: '3', ARENA_CHALLENGES: 'web-warmup,pwn-echo,crypto-intro' } as const;

export function nodeBProfile({ transport, host, ports, node = 'arena-b', match }: NodeBAddress): ProfileInput {
  return {
    node,
    ...(match ? { match } : {}),
    role: NODE_B_ROLE,
    transport,
    config: { validate: ['arena', 'env', 'validate', 'control-plane', '--json'] },
    http: [
      { name: 'api', url: `http://${host}:${ports.http}`, health: '/healthz', ready: '/readyz', maxLatencyMs: 500, auth: { token: '${env:ARENA_SERVICE_TOKEN}' } },
      { name: 'api-tls', url: `https://${host}:${ports.https}`, insecure: true, maxLatencyMs: 500, certMinDaysLeft: 14 },
    ],
    postgres: [
      { name: 'arena-db', host, port: ports.postgres, database: 'arena', user: 'arena', password: '${env:ARENA_DB_PASSWORD}', maxLatencyMs: 500, tables: NODE_B_TABLES },
    ],
    redis: [{ name: 'arena-cache', host, port: ports.redis, password: '${env:ARENA_REDIS_PASSWORD}', maxLatencyMs: 500 }],
    binaries: [
      { name: 'psql', minVersion: '15' },
      { name: 'redis-cli', minVersion: '7' },
      { name: 'python3', minVersion: '3.11' },
      { name: 'openssl', minVersion: '3', versionArgs: ['version'] },
    ],
    headroom: { disk: [{ path: '/var/lib/arena', minFreePercent: 20 }], memory: { minAvailableMiB: 256 } },
    vars: {
      arena: {
        api: 'api',
        database: 'arena-db',
        lifecycle: {
          challenges: ['web-warmup', 'pwn-echo'], unpublishedChallenge: 'crypto-intro',
          leaseTtlSeconds: 3, leaseToleranceSeconds: 2, reconcileIntervalSeconds: Number(NODE_B_SETTINGS.ARENA_RECONCILE_INTERVAL), concurrentSpawns: 8,
          mail: { undeliverableDomain: 'undeliverable.test', deliverableDomain: 'players.arena.test', racedDeliveries: 30 },
        },
      },
    },
  };
}
