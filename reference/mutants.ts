// Fault switches of the reference stack. Each one turns on exactly one defect (ARENA_MUTANT=<name>)
// and names the criteria that must catch it; `npm run mutants` proves they do.
export interface Mutant {
  name: string;
  defect: string;
  /** Substrings of criterion ids; each must be reported not-pass while this mutant is on. */
  mustKill: string[];
}

export const MUTANTS: readonly Mutant[] = [
  { name: 'env-missing-var', defect: 'the env file lacks ARENA_SESSION_SECRET', mustKill: ['configuration.spec.ts::the node configuration validates'] },
  { name: 'db-down', defect: 'PostgreSQL never starts', mustKill: ['postgres arena-db answers', 'api /readyz reports ready', 'database arena-db has every expected table'] },
  {
    name: 'db-credential-rotated', defect: 'the database password was rotated, the deployment still has the old one',
    mustKill: ['postgres arena-db answers', 'database arena-db has every expected table'],
  },
  { name: 'redis-down', defect: 'Redis never starts', mustKill: ['redis arena-cache answers PING', 'api /readyz reports ready'] },
  { name: 'slow-api', defect: 'every API response takes 1.5 s', mustKill: ['api answers HTTP within'] },
  { name: 'healthz-fails', defect: '/healthz answers 500', mustKill: ['api /healthz reports healthy'] },
  { name: 'readyz-stuck', defect: '/readyz stays 503 although everything is up', mustKill: ['api /readyz reports ready'] },
  { name: 'missing-table', defect: 'bootstrap records every migration but audit_log is gone', mustKill: ['database arena-db has every expected table'] },
  { name: 'binary-missing', defect: 'redis-cli is not installed', mustKill: ['redis-cli >= 7 is installed'] },
  {
    name: 'outdated-binaries', defect: 'psql, python3, openssl and redis-cli report versions below the minimum',
    mustKill: ['psql >= 15 is installed', 'python3 >= 3.11 is installed', 'openssl >= 3 is installed', 'redis-cli >= 7 is installed'],
  },
  { name: 'disk-full', defect: '/var/lib/arena is filled to 94%', mustKill: ['/var/lib/arena keeps at least'] },
  { name: 'memory-hog', defect: 'a process holds 750 MiB of the 1 GiB limit', mustKill: ['MiB of memory stay available'] },
  { name: 'cert-expiring', defect: 'the TLS certificate expires in 3 days', mustKill: ['api-tls certificate stays valid'] },
];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}
