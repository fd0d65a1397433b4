// Every preflight criterion fails against its fault switch, and the healthy stack is green.
import { expect, test } from 'vitest';
import { execa } from 'execa';
import { MUTANTS } from '../../reference/mutants.ts';
import { ROOT, fleetgateContainers } from './gate-cli.ts';

test('npm run mutants: every mutant killed, every criterion kills one, healthy run green', async () => {
  const run = await execa(process.execPath, ['cli/mutants.ts'], { cwd: ROOT, reject: false, all: true, env: { TESTCONTAINERS_RYUK_DISABLED: 'true' } });
  expect(run.exitCode, run.all).toBe(0);
  expect(run.stdout).toMatch(/^ {2}healthy +exit 0$/m);
  for (const mutant of MUTANTS) expect(run.stdout).toMatch(new RegExp(`^ {2}${mutant.name} +exit 1, killed by [1-9]\\d* criterion`, 'm'));
  expect(run.stdout).toContain('✓ healthy stack green; every mutant killed; every criterion fails under at least one mutant');
  expect(await fleetgateContainers()).toEqual([]);
}, 1_200_000);
