// What goes into a bundle: the gate's entry points for node-file-trace, the few files it cannot see,
// and the suites of the role(s) the bundle is for.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

/** Files the gate runs on the node; nft follows their imports into node_modules. */
// helpers/schema.ts is what an operator's vars.schema.ts imports (`fleetgate/schema`), nothing of ours does.
export const GATE_ENTRIES = ['cli/main.ts', 'vitest.workspace.ts', 'helpers/index.ts', 'helpers/schema.ts'] as const;

/**
 * Loaded at run time by paths nft cannot compute, so named here (each checked by running the bundled
 * gate in test/integration/bundle.test.ts):
 * - Vitest reaches its own entry files as `resolve(distDir, name)`: the workers (`workers/<pool>.js`),
 *   the watchdog, `spy.js` for the spec's module mocker, and `suppress-warnings.cjs` that every worker
 *   preloads; so all of dist/*.js, dist/workers/*.js and that file;
 * - rolldown (Vite's bundler, used for the transform of every spec) loads its native binding with
 *   createRequire(import.meta.url)(`@rolldown/binding-<platform>-<arch>-gnu`) inside a platform switch,
 *   and reads that package's package.json to compare versions.
 */
export function dynamicEntries(root: string, platform: string, arch: string): string[] {
  const require = createRequire(join(root, 'package.json'));
  const vitestDist = join(require.resolve('vitest/package.json'), '../dist');
  const js = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => join(dir, f));
  const vitest = [...js(vitestDist), ...js(join(vitestDist, 'workers')), join(vitestDist, '../suppress-warnings.cjs')];
  const rolldown = createRequire(require.resolve('rolldown/package.json'));
  const binding = `@rolldown/binding-${platform}-${arch}-gnu`;
  return [...vitest, rolldown.resolve(binding), rolldown.resolve(`${binding}/package.json`)].map((file) => relative(root, file));
}

/**
 * Never part of a bundle although the gate imports them on one path: the embedded reference stack
 * (testcontainers, dockerode) is started only on a developer's machine; on a node the gate needs --profile.
 */
export const NOT_ON_NODE = [
  'reference/stack.ts', 'reference/fleet.ts', 'reference/images/',
  // The controller's commands (fleet, report merge, bundle) never run on a node; a bundle runs the gate.
  'cli/commands/', 'cli/fleet/', 'cli/bundle/',
  'examples/', 'test/',
] as const;

/**
 * Every file of the suites for `role` (or `all`): `suites/<suite>/*` and `suites/<suite>/<role>/**`, and what the
 * suites share: files at the top (`vars.schema.ts`) and `_…` folders (their fixtures).
 */
export function suiteFiles(root: string, role: string): string[] {
  const suitesDir = join(root, 'suites');
  const files: string[] = [];
  for (const suite of readdirSync(suitesDir).sort()) {
    const suiteDir = join(suitesDir, suite);
    if (!statSync(suiteDir).isDirectory()) {
      if (!suite.endsWith('README.md')) files.push(relative(root, suiteDir));
      continue;
    }
    for (const entry of readdirSync(suiteDir, { recursive: true, encoding: 'utf8' }).sort()) {
      const path = join(suiteDir, entry);
      if (!statSync(path).isFile() || entry.endsWith('README.md')) continue;
      const roleDir = entry.includes('/') ? entry.split('/')[0] : undefined;
      if (suite.startsWith('_') || role === 'all' || roleDir === undefined || roleDir === role) files.push(relative(root, path));
    }
  }
  return files;
}
