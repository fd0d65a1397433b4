// "Supported appearance presets render correctly on public, player, and admin pages" — in a real headless
// browser: for every page the profile lists and every preset the site publishes, the page answers 200, its
// computed colours are the preset's palette, text and headings reach WCAG AA, the console stays clean, it
// never scrolls sideways at any viewport width, and signed-in users keep the preset they chose.
// A screenshot of every page in every preset is attached to the report.
import { test, expect, currentProfile, computedColours, horizontalOverflow, parseColour, screenshot, textContrast, WCAG_AA, type BrowserPages, type EndpointClient, type Made } from 'fleetgate';
import { varsFor, type AppearanceVars } from '../../vars.schema.ts';
import { choosePreset, currentPreset, pageUrl, publishedPresets, signInAdmin, signInPlayer, type Audience, type Preset, type Signed } from './site.ts';

const profile = currentProfile();
const vars = varsFor(profile.vars, 'appearance', profile.node);
const widest = Math.max(...vars.viewports);

type Page = AppearanceVars['pages'][number];
const describePage = (page: Page): string => `${page.name} page (${page.path}, ${page.audience})`;

/** Who looks at a page of this audience: nobody (public), a player, the admin. */
async function viewer(audience: Audience, site: EndpointClient, made: Made): Promise<Signed | null> {
  if (audience === 'public') return null;
  return audience === 'admin' ? signInAdmin(site, vars, made) : signInPlayer(site, vars, made);
}

/** The page in a preset at a width, in a fresh browser context; a signed-in viewer has chosen the preset first. */
async function visit(browser: BrowserPages, site: EndpointClient, page: Page, preset: Preset, width: number, user: Signed | null) {
  if (user) await choosePreset(site, vars, user, preset.id);
  const cookies = user ? [{ name: vars.api.sessionCookie, value: user.token, url: site.url }] : [];
  const opened = await browser.newPage({ width, cookies });
  const response = await opened.page.goto(pageUrl(site, vars, page.path, page.audience, preset.id), { waitUntil: 'load' });
  return { ...opened, status: response?.status() ?? 0 };
}

const sameColour = (computed: string, expected: string): boolean => parseColour(computed).join() === parseColour(expected).join();

for (const page of vars.pages) {
  test(`${describePage(page)} renders readably with every appearance preset`, async ({ browser, http, made, attach, evidence }) => {
    const site = http(vars.endpoint);
    const presets = await publishedPresets(site, vars);
    const user = await viewer(page.audience, site, made);
    const problems: string[] = [];
    const seen: string[] = [];
    for (const preset of presets) {
      const where = `${page.name} in ${preset.id}`;
      const visited = await visit(browser, site, page, preset, widest, user);
      await attach(`${preset.id} at ${widest} px`, await screenshot(visited.page), 'image/png');
      if (visited.status !== 200) {
        problems.push(`${where}: HTTP ${visited.status}`);
        continue;
      }
      const body = await textContrast(visited.page, 'body');
      const heading = await textContrast(visited.page, 'h1');
      const { palette } = preset;
      seen.push(`${preset.id}: text ${body.ratio.toFixed(2)}:1, h1 ${heading.ratio.toFixed(2)}:1`);
      if (!sameColour(body.color, palette.text) || !sameColour(body.background, palette.background)) {
        problems.push(`${where}: the preset's stylesheet is not applied: body ${body.color} on ${body.background}, the palette says ${palette.text} on ${palette.background}`);
      }
      if (!sameColour(heading.color, palette.heading)) problems.push(`${where}: h1 is ${heading.color}, the palette says ${palette.heading}`);
      if (body.ratio < WCAG_AA) problems.push(`${where}: body text contrast ${body.ratio.toFixed(2)}:1 is below ${WCAG_AA}:1 (${body.color} on ${body.background})`);
      if (heading.ratio < WCAG_AA) problems.push(`${where}: h1 contrast ${heading.ratio.toFixed(2)}:1 is below ${WCAG_AA}:1 (${heading.color} on ${heading.background})`);
      for (const error of [...visited.consoleErrors, ...visited.pageErrors]) problems.push(`${where}: console error: ${error}`);
    }
    await evidence('contrast', seen.join('; '));
    expect(problems.length, problems.join('\n')).toBe(0);
  });

  for (const width of vars.viewports) {
    test(`${describePage(page)} fits a ${width} px screen with every appearance preset`, async ({ browser, http, made, attach, evidence }) => {
      const site = http(vars.endpoint);
      const presets = await publishedPresets(site, vars);
      const user = await viewer(page.audience, site, made);
      const overflowing: string[] = [];
      for (const preset of presets) {
        const visited = await visit(browser, site, page, preset, width, user);
        expect(visited.status, `${page.name} in ${preset.id}`).toBe(200);
        const overflow = await horizontalOverflow(visited.page, width);
        await attach(`${preset.id} at ${width} px`, await screenshot(visited.page), 'image/png');
        if (overflow.overflowPx > 0) overflowing.push(`${page.name} in ${preset.id} scrolls sideways by ${overflow.overflowPx} px at ${width} px (document ${overflow.scrollWidth} px wide)`);
      }
      await evidence('overflow', overflowing.length ? overflowing.join('; ') : `none at ${width} px`);
      expect(overflowing.length, overflowing.join('\n')).toBe(0);
    });
  }

  if (page.audience !== 'public') {
    test(`${describePage(page)} keeps the preset the user chose`, async ({ browser, http, made }) => {
      const site = http(vars.endpoint);
      const presets = await publishedPresets(site, vars);
      const user = (await viewer(page.audience, site, made))!;
      // The last preset first: a site that stores nothing shows its default, which is usually the first.
      for (const preset of [...presets].reverse()) {
        const visited = await visit(browser, site, page, preset, widest, user);
        expect(await currentPreset(site, vars, user), `${user.email} chose ${preset.id}`).toMatchObject({ preset: preset.id, chosen: true });
        const body = await computedColours(visited.page, 'body');
        expect(sameColour(body.background, preset.palette.background) && sameColour(body.color, preset.palette.text),
          `${page.name} after choosing ${preset.id} shows ${body.color} on ${body.background}, not the preset's ${preset.palette.text} on ${preset.palette.background}`).toBe(true);
      }
    });
  }
}
