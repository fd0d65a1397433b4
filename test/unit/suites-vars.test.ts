// The vars schema of fleetgate's own suites: every section optional (other profiles still validate), a wrong
// appearance section named field by field, a missing one named by the spec that needs it.
import { expect, test } from 'vitest';
import { checkVars, loadVarsSchemas } from '../../helpers/profile/vars.ts';
import { DEFAULT_SUITES_DIR } from '../../vitest.workspace.ts';
import { arenaVars, varsFor } from '../../suites/vars.schema.ts';
import { browserProfile } from '../../reference/profiles/browser.ts';

const [schema] = await loadVarsSchemas([DEFAULT_SUITES_DIR]);

test('profiles without an appearance section, or with other keys, still validate', async () => {
  expect(await checkVars({}, schema!)).toEqual([]);
  expect(await checkVars({ lb: { anything: 1 } }, schema!)).toEqual([]);
});

test('the browser profile\'s section validates, and the defaults fill the site\'s API', async () => {
  const vars = browserProfile({ siteUrl: 'http://127.0.0.1:8080' }).vars;
  expect(await checkVars(vars, schema!)).toEqual([]);
  expect(varsFor(vars, 'appearance', 'arena-browser')).toMatchObject({
    endpoint: 'site', viewports: [360, 1280], previewParameter: 'appearance',
    api: { login: '/api/login', choosePreset: '/api/me/appearance', removeUser: '/api/admin/users/{id}', sessionCookie: 'arena_session' },
  });
});

test('a wrong section is refused field by field', async () => {
  const issues = await checkVars({ appearance: { pages: [{ name: 'home', path: 'no-slash', audience: 'guest' }], viewports: [100], admin: { email: 'a@b' } } }, schema!);
  expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['appearance.admin.password', 'appearance.pages.0.audience', 'appearance.pages.0.path', 'appearance.viewports.0']);
});

test('a spec whose section is missing says which one', () => {
  expect(() => varsFor({}, 'appearance', 'lb1')).toThrow('profile lb1 has no vars.appearance: the appearance criteria read the site, its pages and presets from it');
});

test('the arena section: node B\'s profile validates, a wrong lifecycle value is named, a missing section is named by the suite', async () => {
  const { nodeBProfile } = await import('../../reference/profiles/node-b.ts');
  const vars = nodeBProfile({ transport: { kind: 'local' }, host: '127.0.0.1', ports: { http: 8080, https: 8443, postgres: 5432, redis: 6379 } }).vars;
  expect(await checkVars(vars, schema!)).toEqual([]);
  expect(arenaVars(vars, 'lifecycle', 'arena-b1')).toMatchObject({ unpublishedChallenge: 'crypto-intro', leaseTtlSeconds: 3 });
  const issues = await checkVars({ arena: { lifecycle: { challenges: [], unpublishedChallenge: 'Crypto Intro', reconcileIntervalSeconds: -1 } } }, schema!);
  expect(issues.map((i) => i.path.join('.')).sort()).toEqual([
    'arena.lifecycle.challenges', 'arena.lifecycle.mail', 'arena.lifecycle.reconcileIntervalSeconds', 'arena.lifecycle.unpublishedChallenge',
  ]);
  expect(() => arenaVars({}, 'lifecycle', 'arena-b9')).toThrow('profile arena-b9 has no vars.arena.lifecycle: the lifecycle criteria read their values from it (suites/vars.schema.ts)');
});
