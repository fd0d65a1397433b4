// The appearance suite through the real gate, in the system Chromium, against node B healthy and with each
// appearance fault switch: healthy is green 2/2 with a screenshot of every page in every preset attached
// (valid JUnit naming them); each switch kills the criteria its name says; no browser process and no usable
// user the suite made is left — also when the gate is stopped in the middle.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { writeTempProfile, type TempProfile } from '../../helpers/profile/temp-file.ts';
import { eventually } from '../../helpers/eventually.ts';
import { browserProfile, NODE_B_PAGES } from '../../reference/profiles/browser.ts';
import { leftoverContainers, removeRun } from '../../reference/run-containers.ts';
import { gate, outDir, removeOutDirs, results, xmllint, xpath } from './gate-cli.ts';
import { nodeBSecrets, nodeBSql, nodeBUrl, startNodeBVariants } from './node-b-variants.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `appearance-suite-${randomBytes(4).toString('hex')}`;
const MUTANTS = ['appearance-unreadable-preset', 'appearance-preset-not-saved', 'appearance-overflow-narrow'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
const SECRETS = nodeBSecrets();
let nodes = new Map<Variant, StartedTestContainer>();
const profiles: TempProfile[] = [];

const READABLY = 'renders readably with every appearance preset';
const KEEPS = 'keeps the preset the user chose';
const FITS_360 = 'fits a 360 px screen';
/** 3 per page (readable, 360 px, 1280 px) and one more for each signed-in page. */
const CRITERIA = NODE_B_PAGES.length * 3 + NODE_B_PAGES.filter((p) => p.audience !== 'public').length;

function profileFor(variant: Variant): string {
  const written = writeTempProfile(browserProfile({ siteUrl: nodeBUrl(nodes.get(variant)!), node: `browser-${variant}` }), `appearance suite test, node B ${variant}`);
  profiles.push(written);
  return written.file;
}

/** The appearance suite against one node B variant (healthy: 2 iterations; a fault switch breaks its criteria in 1); only the admin password is handed over. */
async function appearanceGate(variant: Variant): Promise<{ exitCode: number; output: string; out: string; doc: ResultsDocument }> {
  const out = outDir();
  const iterations = variant === 'healthy' ? '2' : '1';
  const run = await gate(['--profile', profileFor(variant), '--suite', 'appearance', '--iterations', iterations, '--out', out], { ARENA_ADMIN_PASSWORD: SECRETS.ARENA_ADMIN_PASSWORD! });
  return { exitCode: run.exitCode ?? -1, output: String(run.all), out, doc: results(out) };
}

/** Browser processes a gate run left (every browser carries its run's id on its command line). */
async function browsersOf(runIdPattern: string): Promise<string[]> {
  const found = await execa('pgrep', ['-af', '--', `--fleetgate-run=${runIdPattern}`], { reject: false });
  return found.stdout.split('\n').filter(Boolean);
}

/** Players the suite registered on a node B and left there (it removes each after its criterion). */
const madePlayers = (variant: Variant): Promise<string> =>
  nodeBSql(nodes.get(variant)!, SECRETS, "select count(*) from users where handle like 'player-fg%'");
/** The removals the audit log recorded for them. */
const removedPlayers = (variant: Variant): Promise<string> =>
  nodeBSql(nodes.get(variant)!, SECRETS, "select count(*) from audit_log where action = 'admin.user.removed' and detail->>'handle' like 'player-fg%'");

const verdictsOf = (doc: ResultsDocument, titlePart: string): string[] =>
  doc.criteria.filter((c) => c.title.includes(titlePart)).map((c) => `${c.title}: ${c.verdict}`).sort();

beforeAll(async () => {
  nodes = await startNodeBVariants<Variant>(RUN, ['healthy', ...MUTANTS], SECRETS);
}, 240_000);

afterAll(async () => {
  for (const p of profiles) p.remove();
  removeOutDirs();
  await removeRun(RUN);
  expect(await leftoverContainers(RUN)).toEqual([]);
});

describe('healthy node B', () => {
  let run: Awaited<ReturnType<typeof appearanceGate>>;
  beforeAll(async () => {
    run = await appearanceGate('healthy');
  }, 300_000);

  test('every page in every preset: green 2/2', () => {
    expect(run.exitCode, run.output).toBe(0);
    expect(run.doc.criteria).toHaveLength(CRITERIA);
    for (const c of run.doc.criteria) expect(`${c.title}: ${c.verdict} ${c.passed}/2`).toBe(`${c.title}: pass 2/2`);
    expect(run.doc.criteria.map((c) => c.title)).toContain(`player page (/play, player) ${KEEPS}`);
    expect(run.doc.criteria.map((c) => c.title)).toContain(`admin page (/admin, admin) ${FITS_360} with every appearance preset`);
  });

  test('a screenshot of every preset in every iteration is attached, a real PNG in the report folder', () => {
    const shooting = run.doc.criteria.filter((c) => !c.title.includes(KEEPS));
    for (const c of shooting) {
      expect(c.attachments?.map((a) => `${a.iteration} ${a.name}`), c.title).toEqual([1, 2].flatMap((i) => ['light', 'dark', 'high-contrast'].map((p) => `${i} ${p} at ${c.title.includes('360 px') ? 360 : 1280} px`)));
      for (const a of c.attachments!) {
        const file = join(run.out, a.path);
        expect(existsSync(file), a.path).toBe(true);
        expect(readFileSync(file).subarray(1, 4).toString(), a.path).toBe('PNG');
      }
    }
    expect(readFileSync(join(run.out, 'summary.md'), 'utf8')).toMatch(/## Attachments\n\n- appearance\/browser\/presets\.spec\.ts::.* \(iteration 2\): \[light at \d+ px\]\(attachments\//);
  });

  test('JUnit is valid and names the screenshots where CI reads them', async () => {
    const junit = join(run.out, 'junit.xml');
    expect(await xmllint(junit)).toMatchObject({ exitCode: 0 });
    expect(await xpath(junit, 'string(//testsuite/@hostname)')).toBe('browser-healthy');
    const systemOut = await xpath(junit, `string(//testcase[@name='home page (/, public) ${READABLY}']/system-out)`);
    expect(systemOut.split('\n').filter((l) => /^\[\[ATTACHMENT\|attachments\/.+\/[12]\/dark-at-1280-px\.png\]\]$/.test(l))).toHaveLength(2);
    expect(readFileSync(junit, 'utf8')).not.toContain(SECRETS.ARENA_ADMIN_PASSWORD);
  });

  test('nothing left: no browser process, every player the suite registered removed, the admin\'s preset back', async () => {
    expect(await browsersOf(run.doc.run.id)).toEqual([]);
    expect(Number(await removedPlayers('healthy'))).toBeGreaterThan(0);
    expect(await madePlayers('healthy')).toBe('0');
    expect(await nodeBSql(nodes.get('healthy')!, SECRETS, "select preset from user_appearance join users on users.id = user_id where email = 'admin@arena.local'")).toBe('light');
  });
});

describe('each appearance fault switch kills its criteria', () => {
  test('appearance-unreadable-preset: every page is unreadable in dark; the layout criteria stay green', async () => {
    const run = await appearanceGate('appearance-unreadable-preset');
    expect(run.exitCode, run.output).toBe(1);
    expect(verdictsOf(run.doc, READABLY)).toEqual(NODE_B_PAGES.map((p) => `${p.name} page (${p.path}, ${p.audience}) ${READABLY}: broken`).sort());
    const home = run.doc.criteria.find((c) => c.title === `home page (/, public) ${READABLY}`)!;
    expect(home.lastError).toMatch(/home in dark: body text contrast 1\.49:1 is below 4\.5:1/);
    expect(home.lastError).not.toMatch(/in light|in high-contrast/);
    expect(verdictsOf(run.doc, 'fits a').every((v) => v.endsWith(': pass'))).toBe(true);
    expect(await browsersOf(run.doc.run.id)).toEqual([]);
  }, 300_000);

  test('appearance-preset-not-saved: player and admin pages do not keep the chosen preset; public pages are fine', async () => {
    const run = await appearanceGate('appearance-preset-not-saved');
    expect(run.exitCode, run.output).toBe(1);
    expect(verdictsOf(run.doc, KEEPS)).toEqual([`admin page (/admin, admin) ${KEEPS}: broken`, `player page (/play, player) ${KEEPS}: broken`]);
    expect(run.doc.criteria.find((c) => c.title.includes(KEEPS))!.lastError).toMatch(/chose high-contrast/);
    expect(verdictsOf(run.doc, '(/, public)').every((v) => v.endsWith(': pass'))).toBe(true);
    expect(await madePlayers('appearance-preset-not-saved')).toBe('0');
  }, 300_000);

  test('appearance-overflow-narrow: the player page scrolls sideways at 360 px, nothing else does', async () => {
    const run = await appearanceGate('appearance-overflow-narrow');
    expect(run.exitCode, run.output).toBe(1);
    expect(verdictsOf(run.doc, 'fits a').filter((v) => !v.endsWith(': pass'))).toEqual([`player page (/play, player) ${FITS_360} with every appearance preset: broken`]);
    expect(run.doc.criteria.find((c) => c.title.startsWith(`player page (/play, player) ${FITS_360}`))!.lastError).toMatch(/player in light scrolls sideways by \d+ px at 360 px/);
  }, 300_000);
});

test('a gate stopped while the browser is open leaves no browser process and no usable player', async () => {
  const out = outDir();
  const running = gate(['--profile', profileFor('healthy'), '--suite', 'appearance', '--iterations', '2', '--out', out], { ARENA_ADMIN_PASSWORD: SECRETS.ARENA_ADMIN_PASSWORD! });
  const ofThisGate = `[^ ]*-${running.pid}( |$)`;
  await eventually(async () => (await browsersOf(ofThisGate)).length > 0, { within: 60_000, every: 100, what: 'the gate\'s browser to start' });
  running.kill('SIGINT');
  const run = await running;
  expect(run.exitCode, String(run.all)).toBe(3);
  expect(await browsersOf(ofThisGate)).toEqual([]);
  expect(await madePlayers('healthy')).toBe('0');
}, 120_000);

describe('what the suite needs, said plainly', () => {
  test('no Chromium on the machine: every criterion is blocked, naming what is missing', async () => {
    const out = outDir();
    const run = await gate(['--profile', profileFor('healthy'), '--suite', 'appearance', '--iterations', '1', '--out', out], {
      ARENA_ADMIN_PASSWORD: SECRETS.ARENA_ADMIN_PASSWORD!, FLEETGATE_CHROMIUM: '/nonexistent/chromium',
    });
    expect(run.exitCode, run.all).toBe(1);
    const doc = results(out);
    expect(doc.criteria).toHaveLength(CRITERIA);
    for (const c of doc.criteria) expect(c, c.title).toMatchObject({ verdict: 'blocked', lastError: 'FLEETGATE_CHROMIUM=/nonexistent/chromium: no such file (the Chromium binary the browser criteria run in)' });
  });

  test('a browser profile without vars.appearance fails loading the suite, naming the section', async () => {
    const bare = browserProfile({ siteUrl: 'http://127.0.0.1:1' });
    const written = writeTempProfile({ ...bare, vars: {} }, 'appearance suite test, no vars.appearance');
    profiles.push(written);
    const out = outDir();
    const run = await gate(['--profile', written.file, '--suite', 'appearance', '--iterations', '1', '--out', out]);
    expect(run.exitCode, run.all).toBe(1);
    expect(results(out).criteria.map((c) => [c.title, c.verdict, c.lastError])).toEqual([
      ['(file loads)', 'broken', 'profile arena-browser has no vars.appearance: the appearance criteria read the site, its pages and presets from it'],
    ]);
  });
});
