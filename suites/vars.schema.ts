// What fleetgate's own suites read from a profile's `vars:`, checked when the profile loads (exit 2 naming
// the field). Every section is optional — a profile carries only those of the suites it runs — and other
// keys are left alone for an operator's own suites folder, whose schema checks them.
import { z } from 'fleetgate/schema';

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
  /** Signs an admin in (admin pages; also disables the player the suite registers, when it made one). */
  admin: credentials,
  /** An existing player; without it the suite registers one (named with the run's label) and disables it afterwards. */
  player: credentials.optional(),
  /** The site's account API: sign in (→ a session token), register, the session's preset choice, disable a user. */
  api: z.strictObject({
    login: path.default('/api/login'),
    register: path.default('/api/register'),
    me: path.default('/api/me'),
    choosePreset: path.default('/api/me/appearance'),
    /** `{id}` is the user's id. */
    disableUser: path.default('/api/admin/users/{id}/disable'),
    /** The cookie a browser carries the session token in. */
    sessionCookie: z.string().min(1).default('arena_session'),
  }).prefault({}),
});

/** The whole `vars:` of a profile: the gate checks it with this default export when the profile loads. */
const vars = z.looseObject({ appearance: appearance.optional() });
export default vars;

export type Vars = z.output<typeof vars>;
export type AppearanceVars = NonNullable<Vars['appearance']>;

/** A suite's section, typed; a profile without it fails that suite's criteria naming what is missing. */
export function varsFor<S extends 'appearance'>(raw: unknown, section: S, node: string): NonNullable<Vars[S]> {
  const found = vars.parse(raw)[section];
  if (!found) throw new Error(`profile ${node} has no vars.${section}: the ${section} criteria read the site, its pages and presets from it`);
  return found;
}
