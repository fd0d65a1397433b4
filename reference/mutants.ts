// Fault switches of the reference stack. Each one turns on exactly one defect (ARENA_MUTANT=<name>)
// and names the criteria that must catch it; `npm run mutants` proves they do.
export interface Mutant {
  name: string;
  defect: string;
  /** Substrings of criterion ids; each must be reported not-pass while this mutant is on. */
  mustKill: string[];
  /** The role of the node it breaks (default control-plane): it is switched on in that role's reference node. */
  role?: string;
}

/** The reference fleet node each role's mutants are switched on in (the other nodes must stay green). */
const MUTATED_NODE_BY_ROLE: Readonly<Record<string, string>> = { 'control-plane': 'arena-b1', vpn: 'arena-c' };

export function mutatedNode(mutant: Mutant): string {
  const role = mutant.role ?? 'control-plane';
  const node = MUTATED_NODE_BY_ROLE[role];
  if (!node) throw new Error(`mutant ${mutant.name}: no reference node of role ${role}`);
  return node;
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
  // Node C (vpn).
  {
    name: 'cross-team-forwarding', role: 'vpn', defect: 'the forwarding rules let every peer reach every team subnet, not only its own',
    mustKill: ['check vpn-forwarding passes'],
  },
  { name: 'stale-peer-kept', role: 'vpn', defect: 'reconcile never removes a peer the state no longer has', mustKill: ['check vpn-forwarding passes'] },
  { name: 'reconcile-no-routes', role: 'vpn', defect: 'reconcile never restores the team subnets\' routes (so none after a restart)', mustKill: ['check vpn-forwarding passes'] },
  { name: 'vpn-env-missing-state', role: 'vpn', defect: 'the env file lacks ARENA_VPN_STATE', mustKill: ['the node configuration validates for role vpn', 'check vpn-forwarding passes'] },
  {
    name: 'vpn-tools-missing', role: 'vpn', defect: 'wg, wireguard-go, nft and ip are gone after boot (the running daemon keeps serving)',
    mustKill: ['wg >= 1.0 is installed', 'wireguard-go is installed', 'nft >= 1.0 is installed', 'ip is installed'],
  },
  { name: 'vpn-disk-full', role: 'vpn', defect: '/var/lib/arena on node C is filled to 94%', mustKill: ['/var/lib/arena keeps at least'] },
  { name: 'vpn-memory-hog', role: 'vpn', defect: 'a process on node C holds 800 MiB of the 1 GiB limit', mustKill: ['MiB of memory stay available'] },
];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}
