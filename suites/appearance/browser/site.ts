// The site as the appearance criteria use it, all from `vars.appearance`: its published presets, signing in
// (a session token for the API, the same token as the browser's session cookie), choosing a preset, and a
// player to sign in as (the profile's, or one registered for the run and disabled after it).
import { randomBytes } from 'node:crypto';
import { expect, type EndpointClient, type Made } from 'fleetgate';
import type { AppearanceVars } from '../../vars.schema.ts';

export interface Palette {
  background: string;
  text: string;
  heading: string;
  [colour: string]: string;
}
export interface Preset { id: string; label: string; palette: Palette }
export interface Signed { email: string; token: string; id: number }
export type Audience = AppearanceVars['pages'][number]['audience'];

/** The presets the site publishes: what computed colours are compared against. */
export async function publishedPresets(site: EndpointClient, vars: AppearanceVars): Promise<Preset[]> {
  const { body } = await site.get(vars.presets).expect(200);
  const presets = (body as { presets?: Preset[] }).presets;
  expect(presets, `${vars.presets} lists no presets`).toBeInstanceOf(Array);
  expect(presets!.length, `${vars.presets} lists no presets`).toBeGreaterThan(0);
  return presets!;
}

export async function signIn(site: EndpointClient, vars: AppearanceVars, email: string, password: string): Promise<Signed> {
  const answer = await site.post(vars.api.login).send({ email, password });
  expect(answer.status, `sign-in as ${email}: ${String((answer.body as { error?: unknown }).error ?? '')}`).toBe(200);
  const body = answer.body as { session: { token: string }; user: { id: number } };
  return { email, token: body.session.token, id: body.user.id };
}

/** The preset a user has now, and whether they chose it (false: the site's default). */
export async function currentPreset(site: EndpointClient, vars: AppearanceVars, user: Signed): Promise<{ preset: string; chosen: boolean }> {
  const { body } = await site.as(user.token).get(vars.api.me).expect(200);
  return (body as { appearance: { preset: string; chosen: boolean } }).appearance;
}

/** Choose a preset for the user; the site must accept it. */
export async function choosePreset(site: EndpointClient, vars: AppearanceVars, user: Signed, preset: string): Promise<void> {
  const answer = await site.as(user.token).put(vars.api.choosePreset).send({ preset });
  expect(answer.status, `choosing preset ${preset} as ${user.email}: ${String((answer.body as { error?: unknown }).error ?? '')}`).toBe(200);
}

/** The admin, signed in; the preset they had is given back after the criterion. */
export async function signInAdmin(site: EndpointClient, vars: AppearanceVars, made: Made): Promise<Signed> {
  const admin = await signIn(site, vars, vars.admin.email, vars.admin.password);
  keepPreset(site, vars, admin, await currentPreset(site, vars, admin), made);
  return admin;
}

/** The profile's player, or a player registered now with the run's label and removed after the criterion. */
export async function signInPlayer(site: EndpointClient, vars: AppearanceVars, made: Made): Promise<Signed> {
  if (vars.player) {
    const player = await signIn(site, vars, vars.player.email, vars.player.password);
    keepPreset(site, vars, player, await currentPreset(site, vars, player), made);
    return player;
  }
  const admin = await signIn(site, vars, vars.admin.email, vars.admin.password);
  const handle = made.name('player');
  const email = `${handle}@example.test`;
  const password = randomBytes(18).toString('base64url');
  const registered = await site.post(vars.api.register).send({ email, handle, password });
  expect(registered.status, `registering player ${handle}: ${String((registered.body as { error?: unknown }).error ?? '')}`).toBe(201);
  const { id } = (registered.body as { user: { id: number } }).user;
  made.add(`player ${handle} (user ${id})`, id, (user) => site.as(admin.token).delete(vars.api.removeUser.replace('{id}', String(user))).expect(200));
  return signIn(site, vars, email, password);
}

/** Put back the preset a user had before the criterion chose others for them. */
function keepPreset(site: EndpointClient, vars: AppearanceVars, user: Signed, before: { preset: string }, made: Made): void {
  made.add(`${user.email}'s preset ${before.preset}`, before.preset, (preset) => choosePreset(site, vars, user, preset));
}

/** Where a page shows a preset: public pages preview it in the query; signed-in pages show the user's choice. */
export function pageUrl(site: EndpointClient, vars: AppearanceVars, path: string, audience: Audience, preset: string): string {
  if (audience !== 'public') return `${site.url}${path}`;
  const url = new URL(path, `${site.url}/`);
  url.searchParams.set(vars.previewParameter, preset);
  return url.toString();
}
