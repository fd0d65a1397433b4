// What fleetgate's own suites beyond preflight read from a profile's `vars:`, checked when the profile loads
// (exit 2 naming the field). Every section is optional — a profile carries only those of the suites it runs —
// and other keys are the operator's, left alone (an operator's suites folder brings its own vars.schema.ts).
// `appearance` describes any site with presets; `arena` holds the reference arena's own criteria's values.
// A suite whose section is missing fails loudly instead of checking nothing.
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

const path = z.string().startsWith('/', { message: 'a path on the site, starting with /' });

/** Who may see a page: anyone, a signed-in player, an admin. */
const audience = z.enum(['public', 'player', 'admin']);

const credentials = z.strictObject({
  email: z.string().min(3),
  /** A secret reference: `${env:NAME}` or `${file:PATH}`. */
  password: z.string().min(1),
});

/**
 * The appearance suite (role `browser`: where a headless Chromium runs): every preset the site publishes, on
 * every page, at every viewport width. The site is a profile http endpoint (its url and TLS setting).
 */
const appearance = z.strictObject({
  /** The profile's http endpoint that serves the pages. */
  endpoint: z.string().min(1).default('site'),
  /** `GET` → `{ default, presets: [{ id, label, palette: { background, text, heading, … } }] }`. */
  presets: path.default('/api/appearance/presets'),
  pages: z.array(z.strictObject({ name: z.string().min(1), path, audience })).min(1),
  /** Viewport widths in CSS pixels: no page may scroll sideways at any of them. */
  viewports: z.array(z.number().int().min(240).max(3840)).min(1).default([360, 1280]),
  /** Public pages preview a preset with this query parameter (`/?appearance=dark`). */
  previewParameter: z.string().min(1).default('appearance'),
  /** Signs an admin in (admin pages; also removes the player the suite registers, when it made one). */
  admin: credentials,
  /** An existing player; without it the suite registers one (named with the run's label) and removes it afterwards. */
  player: credentials.optional(),
  /** The site's account API: sign in (→ a session token), register, the session's preset choice, remove a user (DELETE). */
  api: z.strictObject({
    login: path.default('/api/login'),
    register: path.default('/api/register'),
    me: path.default('/api/me'),
    choosePreset: path.default('/api/me/appearance'),
    /** `DELETE` it to remove a user; `{id}` is the user's id. */
    removeUser: path.default('/api/admin/users/{id}'),
    /** The cookie a browser carries the session token in. */
    sessionCookie: z.string().min(1).default('arena_session'),
  }).prefault({}),
});

const arena = z.strictObject({
  /** The profile's http endpoint of the arena API; its `auth.token` is the deployment's service token. */
  api: z.string().min(1).default('api'),
  /** The profile's postgres entry of the API's database (audit and instance rows). */
  database: z.string().min(1).default('arena-db'),
  lifecycle: lifecycle.optional(),
});

const vars = z.looseObject({ arena: arena.optional(), appearance: appearance.optional() });
export default vars;

export type Vars = z.output<typeof vars>;
export type AppearanceVars = NonNullable<Vars['appearance']>;
type Sections = NonNullable<Vars['arena']>;

/** The appearance section, typed; a profile without it fails the appearance criteria naming what is missing. */
export function varsFor<S extends 'appearance'>(raw: unknown, section: S, node: string): NonNullable<Vars[S]> {
  const found = vars.parse(raw)[section];
  if (!found) throw new Error(`profile ${node} has no vars.${section}: the ${section} criteria read the site, its pages and presets from it`);
  return found;
}

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
