// `report merge`: two nodes' real report directories → one fleet report, as the Ansible playbook uses it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { gate, outDir, removeOutDirs, xmllint, xpath, FIXTURES } from './gate-cli.ts';
import type { FleetResults } from '../../cli/fleet/fleet-report.ts';

afterAll(removeOutDirs);
const env = { FLEETGATE_TEST_SECRET: 'merge-test-secret' };
const nodeA = outDir();
const nodeB = outDir();
const merged = outDir();
let run: Awaited<ReturnType<typeof gate>>;

beforeAll(async () => {
  const profileB = join(outDir(), 'node-b.yaml');
  writeFileSync(profileB, readFileSync(join(FIXTURES, 'profiles/local.yaml'), 'utf8').replace('node: test-node', 'node: other-node'));
  const common = ['--suites', join(FIXTURES, 'suites'), '--no-builtin-suites', '--suite', 'intermittent'];
  // Node A: one iteration of the criterion whose file loads then: green. Node B: the retried criterion too: flaky.
  expect((await gate(['--profile', join(FIXTURES, 'profiles/local.yaml'), ...common, '--iterations', '1', '--grep', 'sometimes', '--out', nodeA], env)).exitCode).toBe(0);
  expect((await gate(['--profile', profileB, ...common, '--iterations', '2', '--out', nodeB], env)).exitCode).toBe(1);
  run = await gate(['report', 'merge', nodeA, nodeB, '--out', merged]);
});

test('the merged report names both nodes, with a testsuite per node and suite, valid against the XSD', async () => {
  expect(run.exitCode, run.all).toBe(1);
  const junit = join(merged, 'junit.xml');
  expect((await xmllint(junit)).exitCode).toBe(0);
  expect(await xpath(junit, 'string(/testsuites/testsuite[1]/@hostname)')).toBe('other-node');
  expect(await xpath(junit, 'string(/testsuites/testsuite[2]/@hostname)')).toBe('test-node');
  expect(await xpath(junit, 'string(/testsuites/testsuite[2]/@name)')).toBe('test-node/control-plane/intermittent');
  const results = JSON.parse(readFileSync(join(merged, 'results.json'), 'utf8')) as FleetResults;
  expect(results.nodes.map((n) => [n.name, n.status, n.suites.intermittent])).toEqual([['other-node', 'fail', 'flaky'], ['test-node', 'pass', 'pass']]);
  expect(run.stdout).toMatch(/✗\s+other-node\s+control-plane\s+fail\s+flaky/);
});

test('a directory that is not a report is refused in one line (exit 2)', async () => {
  const bad = await gate(['report', 'merge', nodeA, FIXTURES]);
  expect(bad.exitCode).toBe(2);
  expect(bad.stderr.trim()).toMatch(/^fleetgate: report merge: .*fixtures: no results\.json nor outcome\.json \(not a fleetgate report directory\)$/);
});
