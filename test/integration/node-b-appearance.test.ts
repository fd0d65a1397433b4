// Reference node B's pages and appearance presets: public, player and admin pages render in the preset each
// user chose (light, dark, high-contrast), the palettes the presets endpoint publishes reach WCAG AA, the
// choice is stored per user and survives an API restart, and each appearance fault switch changes what a
// client observes in the way its name says. Plain HTTP here (no browser in node_modules: the appearance
// suite of issue 8 adds the real-browser checks); one container per variant, removed afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { WCAG_AA, contrastRatio } from '../../helpers/contrast.ts';
import { leftoverContainers, removeRun } from '../../reference/run-containers.ts';
import { nodeBSecrets, nodeBSql, nodeBUrl, startNodeBVariants } from './node-b-variants.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-b-appearance-${randomBytes(4).toString('hex')}`;
const MUTANTS = ['appearance-unreadable-preset', 'appearance-preset-not-saved', 'appearance-overflow-narrow'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
let nodes = new Map<Variant, StartedTestContainer>();
const SECRETS = nodeBSecrets();
const PASSWORD = 'correct horse battery';
const ADMIN_EMAIL = 'admin@arena.local';
const PRESET_IDS = ['light', 'dark', 'high-contrast'];
const PUBLIC_PAGES = ['/', '/scoreboard', '/login'];

interface Palette { background: string; surface: string; text: string; heading: string; muted: string; link: string; accent: string; accentText: string; border: string }
interface Preset { id: string; label: string; stylesheet: string; palette: Palette }
interface Catalogue { default: string; presets: Preset[] }
interface Choice { appearance: { preset: string; chosen: boolean }; previous: string }
interface Answer<T> { status: number; json: T & { error?: string }; headers: Headers }
interface Page { status: number; html: string; headers: Headers }

const baseUrl = (variant: Variant): string => nodeBUrl(nodes.get(variant)!);

/** A JSON request; `token` goes as a bearer token, as an API client sends it. */
async function api<T = Record<string, unknown>>(variant: Variant, method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl(variant)}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, json: await response.json() as Answer<T>['json'], headers: response.headers };
}

/** What a browser gets for a page (redirects not followed): the session travels as the cookie. */
async function page(variant: Variant, path: string, options: { token?: string; form?: Record<string, string> } = {}): Promise<Page> {
  const response = await fetch(`${baseUrl(variant)}${path}`, {
    method: options.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { ...(options.token ? { Cookie: `arena_session=${options.token}` } : {}), ...(options.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** The preset a page says it renders with, and the preset stylesheet it links. */
function rendered(html: string): { preset: string | undefined; stylesheet: string | undefined } {
  return {
    preset: /<html lang="en" data-appearance="([^"]+)"/.exec(html)?.[1],
    stylesheet: /<link rel="stylesheet" href="([^"]+)" data-appearance-stylesheet>/.exec(html)?.[1],
  };
}

/** The custom properties a preset stylesheet sets (`--arena-accent-text` → `accentText`). */
function customProperties(css: string): Record<string, string> {
  return Object.fromEntries([...css.matchAll(/--arena-([a-z-]+):\s*(#[0-9a-f]{6});/g)].map(([, name, value]) => [name!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), value!]));
}

/** Each table of a page, with whether it sits directly in its own scrolling box. */
function tables(html: string): { scrolls: boolean; wide: boolean }[] {
  return [...html.matchAll(/(<div class="table-scroll">)?<table( class="wide")?>/g)].map((m) => ({ scrolls: m[1] !== undefined, wide: m[2] !== undefined }));
}

/** Foreground keys that must reach AA on both the background and the surface. */
const READ_ON_BACKGROUNDS = ['text', 'heading', 'muted', 'link'] as const;
/** Every pair of a palette below WCAG AA, as `fg/bg ratio` (empty when the preset is readable). */
function unreadablePairs(palette: Palette): string[] {
  const pairs: [string, string, string, string][] = [
    ...READ_ON_BACKGROUNDS.flatMap((fg) => (['background', 'surface'] as const).map((bg): [string, string, string, string] => [fg, bg, palette[fg], palette[bg]])),
    ['accentText', 'accent', palette.accentText, palette.accent],
  ];
  return pairs.filter(([, , a, b]) => contrastRatio(a, b) < WCAG_AA).map(([fg, bg, a, b]) => `${fg}/${bg} ${contrastRatio(a, b).toFixed(2)}`);
}

async function catalogue(variant: Variant): Promise<Catalogue> {
  const answer = await api<Catalogue>(variant, 'GET', '/api/appearance/presets');
  expect(answer.status).toBe(200);
  return answer.json;
}

/** A new player, registered and signed in; the session token. */
async function player(variant: Variant, handle: string): Promise<string> {
  expect((await api(variant, 'POST', '/api/register', { body: { email: `${handle}@example.test`, handle, password: PASSWORD } })).status).toBe(201);
  return signIn(variant, `${handle}@example.test`, PASSWORD);
}

async function signIn(variant: Variant, email: string, password: string): Promise<string> {
  const login = await api<{ session: { token: string } }>(variant, 'POST', '/api/login', { body: { email, password } });
  expect(login.status, login.json.error).toBe(200);
  return login.json.session.token;
}

const choose = (variant: Variant, token: string, preset: string): Promise<Answer<Choice>> => api<Choice>(variant, 'PUT', '/api/me/appearance', { body: { preset }, token });

const sql = (variant: Variant, query: string): Promise<string> => nodeBSql(nodes.get(variant)!, SECRETS, query);

async function arena<T = Record<string, unknown>>(variant: Variant, args: string[]): Promise<{ exitCode: number; json: T & { ok: boolean; error?: string }; stdout: string; stderr: string }> {
  const result = await nodes.get(variant)!.exec(['arena', ...args, '--json']);
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as T & { ok: boolean; error?: string }, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  nodes = await startNodeBVariants<Variant>(RUN, ['healthy', ...MUTANTS], SECRETS);
}, 180_000);

afterAll(async () => {
  await removeRun(RUN);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node B', () => {
  test('the presets endpoint lists light, dark and high-contrast; every palette reaches WCAG AA; each stylesheet sets exactly its palette; the CLI answers the same', async () => {
    const found = await catalogue('healthy');
    expect(found.default).toBe('light');
    expect(found.presets.map((p) => p.id)).toEqual(PRESET_IDS);
    for (const preset of found.presets) {
      expect(preset).toEqual({ id: preset.id, label: expect.any(String), stylesheet: `/assets/appearance/${preset.id}.css`, palette: expect.any(Object) });
      expect(unreadablePairs(preset.palette), preset.id).toEqual([]);
      const css = await fetch(`${baseUrl('healthy')}${preset.stylesheet}`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(customProperties(await css.text())).toEqual(preset.palette);
    }
    expect(await api('healthy', 'GET', '/assets/appearance/neon.css')).toMatchObject({ status: 404, json: { error: "no appearance preset 'neon' (presets: light, dark, high-contrast)" } });
    // The layout takes every colour from the preset: no colour literal in it.
    const site = await (await fetch(`${baseUrl('healthy')}/assets/site.css`)).text();
    expect(site).not.toMatch(/#[0-9a-f]{3,6}\b|rgba?\(/i);

    const cli = await arena<Catalogue>('healthy', ['appearance', 'presets']);
    expect(cli.exitCode).toBe(0);
    expect(cli.json).toEqual({ ok: true, ...found });
  });

  test('public pages answer 200 in the default preset, or the one ?appearance= asks for; only the site\'s own assets, no scripts', async () => {
    for (const path of PUBLIC_PAGES) {
      const plain = await page('healthy', path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(rendered(plain.html), path).toEqual({ preset: 'light', stylesheet: '/assets/appearance/light.css' });
      expect(plain.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(plain.html).toContain('<link rel="icon" href="data:,">'); // no /favicon.ico 404 in a browser's console
      expect(plain.html).not.toMatch(/<script|\sstyle=|(?:href|src)="(?:https?:)?\/\//);
      expect(plain.headers.get('content-security-policy')).toContain("default-src 'none'; style-src 'self'");
      for (const preset of PRESET_IDS) {
        expect(rendered((await page('healthy', `${path}?appearance=${preset}`)).html), `${path} ${preset}`).toEqual({ preset, stylesheet: `/assets/appearance/${preset}.css` });
      }
      expect(rendered((await page('healthy', `${path}?appearance=neon`)).html).preset).toBe('light');
    }
  });

  test('renders readably with every appearance preset: each page answers 200 in the preset its viewer chose, linking that preset\'s stylesheet', async () => {
    const token = await signIn('healthy', ADMIN_EMAIL, SECRETS.ARENA_ADMIN_PASSWORD!);
    const presets = (await catalogue('healthy')).presets;
    for (const preset of presets) {
      expect((await choose('healthy', token, preset.id)).status).toBe(200);
      for (const path of [...PUBLIC_PAGES, '/play', '/admin']) {
        const shown = await page('healthy', path, { token });
        expect(shown.status, `${path} ${preset.id}`).toBe(200);
        expect(rendered(shown.html), `${path} ${preset.id}`).toEqual({ preset: preset.id, stylesheet: preset.stylesheet });
      }
      expect(unreadablePairs(preset.palette), preset.id).toEqual([]);
    }
  });

  test('keeps the preset the user chose: per user, in the database, audited, shown by /api/me, through an API restart', async () => {
    const ada = await player('healthy', 'ada');
    const bea = await player('healthy', 'bea');
    expect((await api('healthy', 'GET', '/api/me', { token: ada })).json).toMatchObject({ appearance: { preset: 'light', chosen: false } });

    const unknown = await choose('healthy', ada, 'neon');
    expect(unknown).toMatchObject({ status: 400, json: { error: "unknown appearance preset 'neon' (presets: light, dark, high-contrast)", presets: PRESET_IDS } });
    expect((await api('healthy', 'PUT', '/api/me/appearance', { body: {}, token: ada })).status).toBe(400);
    expect((await choose('healthy', 'made-up', 'dark')).status).toBe(401);

    expect(await choose('healthy', ada, 'dark')).toMatchObject({ status: 200, json: { appearance: { preset: 'dark', chosen: true }, previous: 'light' } });
    expect((await api('healthy', 'GET', '/api/me', { token: ada })).json).toMatchObject({ appearance: { preset: 'dark', chosen: true } });
    expect(await sql('healthy', "select a.preset from user_appearance a join users u on u.id = a.user_id where u.handle = 'ada'")).toBe('dark');
    expect(await sql('healthy', "select l.actor = 'user:' || u.id, l.detail from audit_log l join users u on u.id = l.user_id where l.action = 'appearance.changed' and u.handle = 'ada'"))
      .toBe('t|{"preset": "dark", "previous": "light"}');
    expect(rendered((await page('healthy', '/play', { token: ada })).html).preset).toBe('dark');
    // Public pages follow the user's choice too; ?appearance= previews another.
    expect(rendered((await page('healthy', '/scoreboard', { token: ada })).html).preset).toBe('dark');
    expect(rendered((await page('healthy', '/scoreboard?appearance=high-contrast', { token: ada })).html).preset).toBe('high-contrast');
    // Per user: bea still has the default.
    expect(rendered((await page('healthy', '/play', { token: bea })).html).preset).toBe('light');

    // The page's own form stores the choice and sends the browser back.
    const form = await page('healthy', '/me/appearance', { token: bea, form: { preset: 'high-contrast', next: '/play' } });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/play');
    expect(rendered((await page('healthy', '/play', { token: bea })).html).preset).toBe('high-contrast');
    expect((await page('healthy', '/me/appearance', { token: bea, form: { preset: 'neon', next: '//evil.test' } })).status).toBe(400);

    const restart = await arena('healthy', ['api', 'restart']);
    expect(restart.exitCode, restart.json.error).toBe(0);
    expect(rendered((await page('healthy', '/play', { token: ada })).html).preset).toBe('dark');
    expect(rendered((await page('healthy', '/play', { token: bea })).html).preset).toBe('high-contrast');
  });

  test('player pages need a session: the sign-in form sets the cookie and leads back', async () => {
    const away = await page('healthy', '/play');
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/login?next=/play');
    await player('healthy', 'cyd');
    const wrong = await page('healthy', '/login', { form: { email: 'cyd@example.test', password: 'not the password', next: '/play' } });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('role="alert"');
    const signed = await page('healthy', '/login', { form: { email: 'cyd@example.test', password: PASSWORD, next: '/play' } });
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/play');
    const cookie = /^arena_session=([\w-]{40,}); Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/.exec(signed.headers.get('set-cookie') ?? '');
    expect(cookie).not.toBeNull();
    const play = await page('healthy', '/play', { token: cookie![1]! });
    expect(play.status).toBe(200);
    expect(play.html).toContain('<code>web-warmup</code>');
    // An outside address in `next` is never followed.
    const outside = await page('healthy', '/login', { form: { email: 'cyd@example.test', password: PASSWORD, next: '//evil.test/' } });
    expect(outside.headers.get('location')).toBe('/play');
    const out = await page('healthy', '/logout', { token: cookie![1]!, form: {} });
    expect(out.status).toBe(303);
    expect((await page('healthy', '/play', { token: cookie![1]! })).status).toBe(303);
  });

  test('admin pages are for admins: a player gets 403 in their own preset (audited); an operator sets a user\'s preset with the CLI', async () => {
    expect((await page('healthy', '/admin')).headers.get('location')).toBe('/login?next=/admin');
    const dan = await player('healthy', 'dan');
    expect((await choose('healthy', dan, 'high-contrast')).status).toBe(200);
    const refused = await page('healthy', '/admin', { token: dan });
    expect(refused.status).toBe(403);
    expect(rendered(refused.html).preset).toBe('high-contrast');
    expect(refused.html).toContain('admins only');
    expect(await sql('healthy', "select l.detail->>'path' from audit_log l join users u on u.id = l.user_id where l.action = 'admin.denied' and u.handle = 'dan'")).toBe('/admin');

    const set = await arena<{ user: { email: string }; appearance: { preset: string }; previous: string }>('healthy', ['user', 'appearance', 'DAN@example.test', 'dark']);
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.json).toEqual({ ok: true, user: { id: expect.any(Number), email: 'dan@example.test', handle: 'dan' }, appearance: { preset: 'dark', chosen: true }, previous: 'high-contrast' });
    expect(rendered((await page('healthy', '/play', { token: dan })).html).preset).toBe('dark');
    expect(await sql('healthy', "select count(*) from audit_log l join users u on u.id = l.user_id where l.action = 'appearance.changed' and l.actor = 'cli' and u.handle = 'dan'")).toBe('1');

    const badPreset = await arena('healthy', ['user', 'appearance', 'dan@example.test', 'neon']);
    expect(badPreset.exitCode).toBe(1);
    expect(badPreset.json).toEqual({ ok: false, user: null, appearance: null, previous: null, error: "unknown appearance preset 'neon' (presets: light, dark, high-contrast)" });
    expect(badPreset.stderr).toBe("arena user appearance: unknown appearance preset 'neon' (presets: light, dark, high-contrast)\n");
    const nobody = await arena('healthy', ['user', 'appearance', 'nobody@example.test', 'dark']);
    expect(nobody).toMatchObject({ exitCode: 1, json: { ok: false, error: "no user with email 'nobody@example.test'" } });

    const admin = await signIn('healthy', ADMIN_EMAIL, SECRETS.ARENA_ADMIN_PASSWORD!);
    const shown = await page('healthy', '/admin', { token: admin });
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('dan@example.test');
    expect(shown.html).toContain('appearance.changed');
    expect(shown.html).not.toContain('scrypt$'); // no password hash on the page
  });

  test('fits a 360 px screen: every table of every page scrolls inside its own box; long words break', async () => {
    // A long unbroken address sits in a table cell of the admin page, inside the table's scrolling box.
    const long = `eve-${'x'.repeat(80)}@example.test`;
    expect((await api('healthy', 'POST', '/api/register', { body: { email: long, handle: 'eve', password: PASSWORD } })).status).toBe(201);
    const admin = await signIn('healthy', ADMIN_EMAIL, SECRETS.ARENA_ADMIN_PASSWORD!);
    expect((await page('healthy', '/admin', { token: admin })).html).toMatch(new RegExp(`<div class="table-scroll"><table class="wide"><caption>Users</caption>.*<td>${long}</td>`, 's'));
    for (const path of ['/scoreboard', '/play', '/admin']) {
      const found = tables((await page('healthy', path, { token: admin })).html);
      expect(found.length, path).toBeGreaterThan(0);
      expect(found.filter((t) => !t.scrolls), path).toEqual([]);
    }
    const site = await (await fetch(`${baseUrl('healthy')}/assets/site.css`)).text();
    expect(site).toMatch(/\.table-scroll \{ max-width: 100%; overflow-x: auto; \}/);
    expect(site).toMatch(/body \{[^}]*overflow-wrap: anywhere;/);
    // No fixed width wider than the narrowest screen outside a scrolling box: only `table.wide` may be wider.
    const rules = site.replace(/\/\*[\s\S]*?\*\//g, '');
    const widths = [...rules.matchAll(/([^{}]+)\{[^}]*(?<![-\w])(?:min-)?width: (\d+(?:\.\d+)?)(px|rem)/g)].filter(([, , n, unit]) => Number(n) * (unit === 'rem' ? 16 : 1) > 360);
    expect(widths.map(([, selector]) => selector!.trim())).toEqual(['table.wide']);
  });
});

describe('appearance fault switches', () => {
  test('appearance-unreadable-preset: the dark preset\'s text falls far below WCAG AA on its background, in the palette and the stylesheet alike; the others stay readable', async () => {
    const healthy = (await catalogue('healthy')).presets.find((p) => p.id === 'dark')!;
    const presets = (await catalogue('appearance-unreadable-preset')).presets;
    const dark = presets.find((p) => p.id === 'dark')!;
    expect(contrastRatio(healthy.palette.text, healthy.palette.background)).toBeGreaterThanOrEqual(WCAG_AA);
    expect(contrastRatio(dark.palette.text, dark.palette.background)).toBeLessThan(2);
    expect(unreadablePairs(dark.palette)).toEqual(['text/background 1.49', 'text/surface 1.36']);
    expect(presets.filter((p) => p.id !== 'dark').flatMap((p) => unreadablePairs(p.palette))).toEqual([]);
    const css = await (await fetch(`${baseUrl('appearance-unreadable-preset')}${dark.stylesheet}`)).text();
    expect(customProperties(css).text).toBe(dark.palette.text);
  });

  test('appearance-preset-not-saved: the choice is answered 200, yet /api/me, the pages and the database keep the default', async () => {
    const fay = await player('appearance-preset-not-saved', 'fay');
    expect(await choose('appearance-preset-not-saved', fay, 'dark')).toMatchObject({ status: 200, json: { appearance: { preset: 'dark', chosen: true } } });
    expect((await api('appearance-preset-not-saved', 'GET', '/api/me', { token: fay })).json).toMatchObject({ appearance: { preset: 'light', chosen: false } });
    expect(rendered((await page('appearance-preset-not-saved', '/play', { token: fay })).html).preset).toBe('light');
    expect(await sql('appearance-preset-not-saved', 'select count(*) from user_appearance')).toBe('0');
  });

  test('appearance-overflow-narrow: the player page\'s challenge table has lost its scrolling box and keeps its 48rem width; other pages are unchanged', async () => {
    const gus = await player('appearance-overflow-narrow', 'gus');
    expect(tables((await page('appearance-overflow-narrow', '/play', { token: gus })).html)).toEqual([{ scrolls: false, wide: true }]);
    expect(tables((await page('healthy', '/play', { token: await player('healthy', 'gus') })).html)).toEqual([{ scrolls: true, wide: false }]);
    expect(tables((await page('appearance-overflow-narrow', '/scoreboard')).html).every((t) => t.scrolls)).toBe(true);
  });
});
