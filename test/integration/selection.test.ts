// A selection with no criteria is a usage error (exit 2) decided before anything starts: no container,
// no iteration, one line.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { gate, outDir, containersCreatedBy, FIXTURES, ROOT, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

async function nothingStarted(args: string[], env: Record<string, string> = {}): Promise<string> {
  const since = new Date();
  const running = gate([...args, '--out', outDir()], env);
  const run = await running;
  expect(run.exitCode, run.all).toBe(2);
  expect(run.stdout, 'no progress, no iteration, nothing started').toBe('');
  expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
  expect(await containersCreatedBy(running.pid!, since)).toEqual([]);
  return run.stderr;
}

test('a suite folder without specs (isolation): exit 2 in one line, no container, no iteration', async () => {
  expect(await nothingStarted(['--suite', 'isolation', '--iterations', '3'])).toMatch(
    /^fleetgate: no criteria selected for the reference fleet's roles \(registry, control-plane, vpn\), suites isolation; see \.\/gate\.sh --list$/,
  );
});

test('--grep matching no criterion of the reference stack: exit 2, decided by collection, no container', async () => {
  expect(await nothingStarted(['--grep', 'no criterion has this name'])).toMatch(
    /^fleetgate: no criteria selected for the reference fleet's roles \(registry, control-plane, vpn\), suites preflight, --grep "no criterion has this name"; see \.\/gate\.sh --list$/,
  );
  expect(await nothingStarted(['--role', 'vpn', '--grep', 'registry check'])).toMatch(/^fleetgate: no criteria selected for the reference fleet's roles \(vpn\), suites preflight, --grep "registry check"/);
});

test('--grep matching nothing with a profile: exit 2 before the first iteration', async () => {
  const args = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites'), '--grep', 'nothing is called this'];
  expect(await nothingStarted(args, { FLEETGATE_TEST_SECRET: 'a-secret-for-selection-tests' })).toMatch(/no criteria selected for role control-plane, suites preflight/);
});

test('exit 2 leaves no empty report directory behind', async () => {
  const before = readdirSync(join(ROOT, 'reports')).sort();
  const run = await gate(['--suite', 'isolation']);
  expect(run.exitCode, run.all).toBe(2);
  expect(readdirSync(join(ROOT, 'reports')).sort()).toEqual(before);
});

test('--list of an empty suite still says so and exits 0', async () => {
  const run = await gate(['--list', '--suite', 'isolation']);
  expect(run.exitCode, run.all).toBe(0);
  expect(run.stdout.split('\n')).toEqual(['0 criteria would run for registry', '0 criteria would run for control-plane', '0 criteria would run for vpn']);
});

test('--list with no profile: each reference role\'s criteria, collected against that role\'s profile', async () => {
  const run = await gate(['--list', '--grep', 'check passes on the node']);
  expect(run.exitCode, run.all).toBe(0);
  expect(run.stdout.split('\n')).toEqual([
    'preflight/configuration.spec.ts::registry check passes on the node', '1 criteria would run for registry',
    '0 criteria would run for control-plane',
    'preflight/configuration.spec.ts::vpn-forwarding check passes on the node', '1 criteria would run for vpn',
  ]);
});
