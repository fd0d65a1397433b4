// What the example's profiles hold under `vars:`, checked when a profile loads: a wrong value stops the
// gate before anything runs (exit 2, `lb1.yaml:24: vars.lb.requests: expected number, …`).
// One section per role, as the spec folders are: lb1.yaml has `vars.lb`, db1.yaml has `vars.db`.
import { z } from 'fleetgate/schema';

const url = z.url({ protocol: /^https?$/ });

const lb = z.strictObject({
  frontend: url,
  requests: z.number().int().min(2).default(20),
  backends: z.array(z.strictObject({ name: z.string().min(1), url, maxLatencyMs: z.number().int().positive().default(250) })).min(2),
  stats: z.strictObject({ url, proxy: z.string().min(1), user: z.string().min(1), password: z.string().min(12) }),
});

const db = z.strictObject({
  minConnections: z.number().int().positive(),
  evictionPolicy: z.enum(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']),
});

/** The whole `vars:` of a profile: the gate checks it with this default export when the profile loads. */
const vars = z.strictObject({ lb: lb.optional(), db: db.optional() });
export default vars;

type Vars = z.output<typeof vars>;

/** A role's section, typed; a profile without it fails that role's specs loudly instead of checking nothing. */
export function varsFor<R extends keyof Vars>(raw: unknown, role: R): NonNullable<Vars[R]> {
  const section = vars.parse(raw)[role];
  if (!section) throw new Error(`the profile has no vars.${role}: the ${role} criteria read their values from it`);
  return section;
}
