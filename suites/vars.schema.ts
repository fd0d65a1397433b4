// What fleetgate's own suites beyond preflight read from a profile's `vars:`, checked when the profile
// loads. They are the reference arena's acceptance criteria, so their values sit under `vars.arena`, one
// section per suite; other keys are the operator's and are left alone (an operator's own suites folder
// brings its own vars.schema.ts). A suite whose section is missing fails loudly instead of checking nothing.
import { z } from 'fleetgate/schema';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'a challenge slug: lower-case letters, digits, -' });
const seconds = z.number().positive();

/** Instances, leases, the reconciler and the registry as the control-plane node sees them. */
const lifecycle = z.strictObject({
  /** Challenges whose images the registry serves: each one spawns. */
  challenges: z.array(slug).min(1),
  /** A challenge in the catalogue whose image the registry lacks: its spawn must fail, naming the image. */
  unpublishedChallenge: slug,
  /** The lease a spawn asks for in the lease criterion, and how late after it the instance may still be there. */
  leaseTtlSeconds: seconds.default(3),
  leaseToleranceSeconds: seconds.default(2),
  /** How often the API's reconciler passes (ARENA_RECONCILE_INTERVAL): the deadline of the reconciler criteria, plus the tolerance. */
  reconcileIntervalSeconds: seconds,
  /** How many spawns race for one principal and challenge. */
  concurrentSpawns: z.number().int().min(2).max(50).default(8),
  /** The outbox: a domain the mail relay refuses for good (a dead letter from data), one it delivers to, and how many deliveries two workers race for. */
  mail: z.strictObject({
    undeliverableDomain: z.string().min(1),
    deliverableDomain: z.string().min(1),
    racedDeliveries: z.number().int().min(2).max(200).default(30),
  }),
});

const arena = z.strictObject({
  /** The profile's http endpoint of the arena API; its `auth.token` is the deployment's service token. */
  api: z.string().min(1).default('api'),
  /** The profile's postgres entry of the API's database (audit and instance rows). */
  database: z.string().min(1).default('arena-db'),
  lifecycle: lifecycle.optional(),
});

const vars = z.looseObject({ arena: arena.optional() });
export default vars;

type Sections = NonNullable<z.output<typeof vars>['arena']>;

/** One suite's section, typed; a profile without it fails that suite's specs with what to add. */
export function arenaVars<S extends keyof Sections>(raw: unknown, section: S, node: string): NonNullable<Sections[S]> {
  const found = (vars.parse(raw).arena as Sections | undefined)?.[section];
  if (!found) throw new Error(`profile ${node} has no vars.arena.${section}: the ${section} criteria read their values from it (suites/vars.schema.ts)`);
  return found;
}

/** Where the arena's API and database are in the profile (defaults when there is no vars.arena). */
export function arenaPlaces(raw: unknown): { api: string; database: string } {
  const { api, database } = vars.parse(raw).arena ?? { api: 'api', database: 'arena-db' };
  return { api, database };
}
