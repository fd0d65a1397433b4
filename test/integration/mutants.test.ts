// Every criterion the reference fleet's nodes run (preflight, lifecycle) fails against a fault switch on one
// node, the other nodes stay green, and the healthy fleet is green: through the bundle, ON each node.
import { expect, test } from 'vitest';
import { execa } from 'execa';
import { judgedMutants } from '../../cli/judged-mutants.ts';
import { ROOT, fleetgateContainers } from './gate-cli.ts';

test('npm run mutants: every mutant killed on the node of its role only, every criterion kills one, healthy fleet green', async () => {
  const before = new Set(await fleetgateContainers());
  const run = await execa(process.execPath, ['cli/mutants.ts'], { cwd: ROOT, reject: false, all: true, env: { TESTCONTAINERS_RYUK_DISABLED: 'true', FLEETGATE_BUNDLE: '' } });
  expect(run.exitCode, run.all).toBe(0);
  expect(run.stdout).toMatch(/^ {2}healthy +exit 0$/m);
  const { mutants, suites } = judgedMutants(ROOT);
  expect(suites).toEqual(['lifecycle', 'preflight']);
  for (const mutant of mutants) expect(run.stdout).toMatch(new RegExp(`^ {2}${mutant.name} +exit 1, killed by [1-9]\\d* criterion\\(s\\) on arena-[a-z]\\d*$`, 'm'));
  expect(run.stdout).toContain('✓ healthy fleet green; every mutant killed on its node with the other nodes green; every criterion fails under at least one mutant');
  // The mutant fleets' containers (named for their gate's run id) are gone; other runs on this machine are not ours to judge.
  expect((await fleetgateContainers()).filter((name) => !before.has(name) && /^fleetgate-arena-[a-z]\d*-\d{8}-\d{6}Z-\d+$/.test(name))).toEqual([]);
}, 1_200_000);
