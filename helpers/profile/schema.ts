// The target profile: one node as the specs see it. Secrets are references, resolved at load time.
import { z } from 'zod';

const SECRET_REF = /^\$\{(env|file):[^}]+\}$/;
const secretRef = z
  .string()
  .regex(SECRET_REF, { message: 'a secret reference like ${env:NAME} or ${file:PATH} (inline secrets are refused)' });
const name = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'a lower-case name: letters, digits, . _ -' });
const port = z.number().int().min(1).max(65535);
const latency = z.number().int().positive().default(500);

const transport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  z.strictObject({ kind: z.literal('docker'), container: z.string().min(1) }),
]);

/** HTTP Basic (`user` + `password`) or a bearer `token`: one of the two, each field named when it is missing. */
const httpAuth = z.strictObject({ user: z.string().min(1).optional(), password: secretRef.optional(), token: secretRef.optional() })
  .superRefine((auth, ctx) => {
    if (auth.token !== undefined) {
      for (const field of ['user', 'password'] as const) {
        if (auth[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'give either token (a bearer token) or user and password (HTTP Basic), not both' });
      }
      return;
    }
    for (const field of ['user', 'password'] as const) {
      if (auth[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for HTTP Basic (or give token for a bearer token)` });
    }
  })
  .transform((auth): { user: string; password: string } | { token: string } => (auth.token !== undefined ? { token: auth.token } : { user: auth.user!, password: auth.password! }));

const httpEndpoint = z.strictObject({
  name,
  url: z.url({ protocol: /^https?$/ }).refine((u) => !new URL(u).username && !new URL(u).password, {
    message: 'credentials in a URL are refused: they would reach reports; use a secret reference field',
  }),
  health: z.string().startsWith('/').optional(),
  ready: z.string().startsWith('/').optional(),
  maxLatencyMs: latency,
  /** https only: the certificate must stay valid at least this many more days. */
  certMinDaysLeft: z.number().int().nonnegative().default(14),
  /** https only: accept a certificate no trusted CA signed (self-signed reference stack). */
  insecure: z.boolean().default(false),
  /** Credentials every request to this endpoint carries: HTTP Basic (a registry, a stats page behind a login) or a bearer token (a service API). */
  auth: httpAuth.optional(),
});

const postgres = z.strictObject({
  name,
  host: z.string().min(1),
  port: port.default(5432),
  database: z.string().min(1),
  user: z.string().min(1),
  password: secretRef,
  maxLatencyMs: latency,
  tables: z.array(z.string().min(1)).default([]),
});

const redis = z.strictObject({
  name,
  host: z.string().min(1),
  port: port.default(6379),
  password: secretRef.optional(),
  maxLatencyMs: latency,
});

const binary = z.strictObject({
  name: z.string().min(1),
  minVersion: z.string().regex(/^\d+(\.\d+)*$/, { message: 'a dotted version like 15 or 3.11' }).optional(),
  versionArgs: z.array(z.string()).default(['--version']),
});

const headroom = z.strictObject({
  disk: z.array(z.strictObject({ path: z.string().startsWith('/'), minFreePercent: z.number().min(0).max(100) })).default([]),
  memory: z.strictObject({ minAvailableMiB: z.number().positive() }).optional(),
});

/** The machine this profile is for: a gate started anywhere else refuses rather than check the runner. */
const match = z.strictObject({
  hostname: z.string().min(1).optional(),
  machineId: z.string().regex(/^[0-9a-f]{32}$/, { message: '32 hex digits, as in /etc/machine-id' }).optional(),
}).refine((m) => m.hostname !== undefined || m.machineId !== undefined, { message: 'give hostname, machineId or both' });

export const profileSchema = z.strictObject({
  node: name,
  match: match.optional(),
  /** Any name the operator gives a kind of node (`lb`, `bitcoin-node`, …): it selects suites/<suite>/<role>/. */
  role: name,
  transport: transport.default({ kind: 'local' }),
  /** The platform's own config check, run on the node; must exit 0 (and print ok:true with --json). */
  config: z.strictObject({ validate: z.array(z.string()).min(1) }).optional(),
  /** The platform's own named checks (a `doctor`, a `registry check`, a drift check), run on the node: each must exit 0 (and print ok:true with --json). */
  checks: z.array(z.strictObject({ name, run: z.array(z.string().min(1)).min(1) })).default([]),
  http: z.array(httpEndpoint).default([]),
  postgres: z.array(postgres).default([]),
  redis: z.array(redis).default([]),
  binaries: z.array(binary).default([]),
  headroom: headroom.default({ disk: [] }),
  /** The operator's own values for their specs (`profile.vars`); ${env:}/${file:} references resolve anywhere inside. */
  vars: z.record(z.string(), z.unknown()).default({}),
}).superRefine((profile, ctx) => {
  // Names become criterion ids: two entries with one name would report as one criterion.
  for (const list of ['http', 'postgres', 'redis', 'binaries', 'checks'] as const) {
    const first = new Map<string, number>();
    profile[list].forEach((entry, i) => {
      const earlier = first.get(entry.name);
      if (earlier === undefined) first.set(entry.name, i);
      else ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `duplicate name "${entry.name}" (also ${list}[${earlier}])` });
    });
  }
});

export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type PostgresTarget = Profile['postgres'][number];
export type RedisTarget = Profile['redis'][number];
export type HttpTarget = Profile['http'][number];
export type HttpAuth = NonNullable<HttpTarget['auth']>;
export type Transport = Profile['transport'];
