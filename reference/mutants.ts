// Fault switches of the reference stack. Each one turns on exactly one defect (ARENA_MUTANT=<name>)
// and names the criteria that must catch it; `npm run mutants` proves they do.
export interface Mutant {
  name: string;
  /** The role of the node kind it breaks (node-kinds.ts): the reference fleet switches it on in a node of that role. */
  role: string;
  defect: string;
  /** Substrings of criterion ids; each must be reported not-pass while this mutant is on. */
  mustKill: string[];
  /** The suite whose criteria catch it (default `preflight`); `npm run mutants` judges it once that suite has criteria on the reference fleet's nodes. */
  suite?: string;
}

/** A node kind's fault switches, each named with that kind's role. */
const ofRole = (role: string, mutants: readonly Omit<Mutant, 'role'>[]): Mutant[] => mutants.map((m) => ({ ...m, role }));

const CONTROL_PLANE_MUTANTS = [
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

// Node B's instances: caught by the lifecycle suite (suites/lifecycle/control-plane/instances.spec.ts);
// test/integration/node-b-instances.test.ts shows what each changes.
const INSTANCE_MUTANTS = [
  { name: 'spawn-not-idempotent', defect: 'every spawn starts another container, even for a principal that has one', mustKill: ['a repeat or concurrent spawn returns the same instance'] },
  { name: 'reaper-off', defect: 'the lease reaper never runs: expired instances stay', mustKill: ['an instance is removed when its lease expires'] },
  { name: 'lease-ttl-ignored', defect: 'a lease expires in a day whatever TTL was asked for', mustKill: ['an instance is removed when its lease expires'] },
  { name: 'reset-leaves-old-container', defect: 'reset starts a new container and leaves the old one running', mustKill: ['reset replaces the instance container'] },
  { name: 'destroy-leaves-residue', defect: 'destroy (and the reaper) stop the container but never remove it', mustKill: ['destroy leaves no container behind'] },
  { name: 'registry-error-swallowed', defect: 'a failed pull is ignored: spawn reports success with no container', mustKill: ['a spawn the registry cannot serve fails with the reason'] },
  {
    name: 'instance-labels-incomplete', defect: 'instance containers lack the arena.principal and arena.challenge labels: whose container it is cannot be read off it',
    mustKill: ['spawn starts one labelled container for the principal and challenge'],
  },
  {
    name: 'reconciler-boot-only', defect: 'the reconciler passes once when the API starts, never on its interval',
    mustKill: ['the reconciler removes a labelled container that has no row', 'the reconciler marks an instance whose container vanished'],
  },
  {
    name: 'duplicate-instance-after-restart', defect: 'after an API restart every instance is taken as vanished and a spawn starts a second container',
    mustKill: ['a spawn after an API restart returns the same instance'],
  },
].map((m) => ({ ...m, suite: 'lifecycle' }));

// Node B's player-facing API (accounts, principals, teams, sessions, audit): caught by the lifecycle suite (the
// audit row), the isolation suite (team cap, solo principal) and the drills (issue 9); test/integration/node-b-accounts.test.ts
// shows what each changes.
const ACCOUNTS_MUTANTS: Omit<Mutant, 'role'>[] = [
  {
    name: 'team-cap-unenforced-under-concurrency', suite: 'isolation', defect: 'team joins count members without locking the team: the cap of 4 holds one join at a time, not under concurrent joins',
    mustKill: ['teams never exceed 4 active members'],
  },
  { name: 'solo-second-principal', suite: 'isolation', defect: 'a solo user\'s personal principal is made check-then-insert with no unique index: concurrent first requests make two', mustKill: ['a solo user has exactly one personal principal'] },
  { name: 'session-lost-on-restart', suite: 'drills', defect: 'sessions live in the API process\'s memory, not Redis: an API restart signs everyone out', mustKill: ['sessions survive an API restart'] },
  { name: 'audit-row-missing', suite: 'lifecycle', defect: 'a failed login writes no audit_log row', mustKill: ['every lifecycle and security event writes an audit row'] },
  { name: 'readyz-lies-db-down', suite: 'drills', defect: '/readyz keeps answering 200 once PostgreSQL has been up, also while it is down', mustKill: ['/readyz turns 503 while the database is down'] },
];

// Node B's appearance presets: caught by the appearance suite on the browser node (a real Chromium on the controller),
// which test/integration/appearance-suite.test.ts judges until that node joins the reference fleet.
const APPEARANCE_MUTANTS = [
  { name: 'appearance-unreadable-preset', defect: 'the dark preset\'s body text is a grey on its near-black background (1.5:1, palette and stylesheet alike)', mustKill: ['renders readably with every appearance preset'] },
  { name: 'appearance-preset-not-saved', defect: 'a user\'s preset choice is answered 200 but never stored: pages and /api/me keep the default', mustKill: ['keeps the preset the user chose'] },
  { name: 'appearance-overflow-narrow', defect: 'the player page\'s challenge table lost its scrolling box and keeps a 48rem minimum width', mustKill: ['fits a 360 px screen'] },
].map((m) => ({ ...m, suite: 'appearance' }));

// Players and instances (issue 7): a session acts only on the principal its user acts as now. Criteria come with
// the isolation suite (issue 8); test/integration/node-b-instance-authz.test.ts shows what each changes.
const CROSS_TEAM_INSTANCE = 'a principal cannot read, reset or destroy another team\'s instance';
const INSTANCE_ACCESS_MUTANTS: Omit<Mutant, 'role'>[] = [
  { name: 'instance-authz-missing', suite: 'isolation', defect: 'any session (or --as-user) may read, reset and destroy any principal\'s instances', mustKill: [CROSS_TEAM_INSTANCE] },
  { name: 'instance-denial-not-audited', suite: 'isolation', defect: 'a refused request for another principal\'s instance writes no audit_log row', mustKill: [CROSS_TEAM_INSTANCE] },
];

// Node B's mail outbox: caught by the lifecycle suite (suites/lifecycle/control-plane/mail.spec.ts);
// test/integration/node-b-mail.test.ts shows what each changes.
const MAIL_MUTANTS = [
  { name: 'mail-resend-of-sent-accepted', defect: 'resend re-arms a delivery that was already sent (200, the mail goes out again) instead of 409', mustKill: ['resend on a sent delivery answers 409'] },
  { name: 'mail-dead-letter-never-reached', defect: 'a delivery that keeps failing is retried forever, never dead-lettered', mustKill: ['a delivery that cannot be sent is dead-lettered after'] },
  {
    name: 'mail-attempt-no-restarts', defect: 'attempt numbers count within a cycle: a resend\'s attempts start again at 1 (bootstrap drops their unique index)',
    mustKill: ['attempt numbers keep counting across resends'],
  },
  { name: 'mail-worker-no-row-lock', defect: 'the delivery worker reads due rows without FOR UPDATE SKIP LOCKED: concurrent workers send one delivery twice', mustKill: ['concurrent mail workers send each delivery once'] },
].map((m) => ({ ...m, suite: 'lifecycle' }));

const VPN_MUTANTS = [
  {
    name: 'cross-team-forwarding', defect: 'the forwarding rules let every peer reach every team subnet, not only its own',
    mustKill: ['vpn-forwarding check passes on the node'],
  },
  { name: 'stale-peer-kept', defect: 'reconcile never removes a peer the state no longer has', mustKill: ['vpn-forwarding check passes on the node'] },
  { name: 'reconcile-no-routes', defect: 'reconcile never restores the team subnets\' routes (so none after a restart)', mustKill: ['vpn-forwarding check passes on the node'] },
  { name: 'vpn-env-missing-state', defect: 'the env file lacks ARENA_VPN_STATE', mustKill: ['the node configuration validates for role vpn', 'vpn-forwarding check passes on the node'] },
  {
    name: 'vpn-tools-missing', defect: 'wg, wireguard-go, nft and ip are gone after boot (the running daemon keeps serving)',
    mustKill: ['wg >= 1.0 is installed', 'wireguard-go is installed', 'nft >= 1.0 is installed', 'ip is installed'],
  },
  { name: 'vpn-disk-full', defect: '/var/lib/arena on node C is filled to 94%', mustKill: ['/var/lib/arena keeps at least'] },
  { name: 'vpn-memory-hog', defect: 'a process on node C holds 800 MiB of the 1 GiB limit', mustKill: ['MiB of memory stay available'] },
  // Its criterion comes with the isolation suite (issue 8); test/integration/vpn-clients.test.ts shows what it changes.
  {
    name: 'vpn-reconciler-stalled', suite: 'isolation', defect: 'node C\'s periodic reconciler never runs a pass: C keeps what it had when B changes (a reconcile on request still works)',
    mustKill: ['node C follows B\'s state within the reconcile interval'],
  },
];

const REGISTRY_CHECK = 'registry check passes on the node';
const REGISTRY_MUTANTS = [
  { name: 'registry-auth-broken', defect: 'the registry password was rotated, the deployment still has the old one', mustKill: ['registry /v2/ reports healthy', REGISTRY_CHECK] },
  {
    name: 'registry-down', defect: 'the registry process stopped after seeding its images',
    mustKill: ['registry /v2/ reports healthy', 'registry answers HTTP within', 'registry certificate stays valid', REGISTRY_CHECK],
  },
  { name: 'challenge-missing', defect: 'the challenge image pwn-echo was never pushed', mustKill: [REGISTRY_CHECK] },
  { name: 'registry-cert-expiring', defect: 'the registry\'s TLS certificate expires in 3 days', mustKill: ['registry certificate stays valid'] },
  { name: 'registry-env-missing-var', defect: 'the env file lacks ARENA_REGISTRY_CA', mustKill: ['configuration.spec.ts::the node configuration validates', REGISTRY_CHECK] },
  { name: 'registry-binary-missing', defect: 'docker-registry and openssl are not installed (the running registry stays up)', mustKill: ['docker-registry >= 2.8 is installed', 'openssl >= 3 is installed'] },
  { name: 'registry-disk-full', defect: 'the registry storage is filled up', mustKill: ['/var/lib/docker-registry keeps at least'] },
  { name: 'registry-memory-hog', defect: 'a process holds 750 MiB of the 1 GiB limit', mustKill: ['MiB of memory stay available'] },
];

export const MUTANTS: readonly Mutant[] = [
  ...ofRole('registry', REGISTRY_MUTANTS),
  ...ofRole('control-plane', [...CONTROL_PLANE_MUTANTS, ...INSTANCE_MUTANTS, ...ACCOUNTS_MUTANTS, ...APPEARANCE_MUTANTS, ...INSTANCE_ACCESS_MUTANTS, ...MAIL_MUTANTS]),
  ...ofRole('vpn', VPN_MUTANTS),
];


export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}
