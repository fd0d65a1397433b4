// `./gate.sh` with no profile: the embedded reference fleet — three control-plane nodes and the registry
// node, none with Node.js, reached with docker and (one) over ssh — the bundle shipped into each, the gate run ON each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gate, outDir, removeOutDirs, xmllint, xpath, fleetgateContainers, printed } from './gate-cli.ts';
import type { FleetResults } from '../../cli/fleet/fleet-report.ts';

afterAll(removeOutDirs);
const fleetResults = (out: string): FleetResults => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FleetResults;
const SLOW = { timeout: 300_000 };

describe('the default target, from the README: ./gate.sh --iterations 2', () => {
  const out = outDir();
  let run: Awaited<ReturnType<typeof gate>>;
  let doc: FleetResults;
  beforeAll(async () => {
    // No FLEETGATE_BUNDLE: the default builds its bundle, as on a fresh machine.
    run = await gate(['--iterations', '2', '--out', out], { FLEETGATE_BUNDLE: '' });
    doc = fleetResults(out);
  }, 300_000);

  test('runs on five nodes (A, three B, C) and exits 0, each node green 2/2', () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(doc.nodes.map((n) => [n.name, n.role, n.status, n.suites.preflight])).toEqual([
      ['arena-a', 'registry', 'pass', 'pass'],
      ['arena-b1', 'control-plane', 'pass', 'pass'], ['arena-b2', 'control-plane', 'pass', 'pass'], ['arena-b3', 'control-plane', 'pass', 'pass'],
      ['arena-c', 'vpn', 'pass', 'pass'],
    ]);
    // Node A's own criteria ran there: its registry check among them.
    expect(doc.criteria.filter((c) => c.node === 'arena-a' && c.id.endsWith('::registry check passes on the node')).map((c) => c.passed)).toEqual([2]);
    expect(doc.criteria.filter((c) => c.node === 'arena-c' && c.id.endsWith('::vpn-forwarding check passes on the node')).map((c) => c.passed)).toEqual([2]);
    expect(doc.criteria.filter((c) => c.node === 'arena-b3').every((c) => c.passed === 2)).toBe(true);
    // The ssh node too: the gate's progress came back from it over ssh.
    expect(run.stdout).toMatch(/^\[arena-b3\] iteration 2\/2: \d+ passed, 0 failed/m);
  });

  test('one merged JUnit, valid against the XSD, naming the five nodes; each node\'s own report beside it', async () => {
    const junit = join(out, 'junit.xml');
    expect((await xmllint(junit)).exitCode).toBe(0);
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-b1"])')).toBe('1');
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-b2"])')).toBe('1');
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-b3"])')).toBe('1');
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-a"])')).toBe('1');
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-c"])')).toBe('1');
    for (const node of ['arena-a', 'arena-b1', 'arena-b2', 'arena-b3', 'arena-c']) expect((await xmllint(join(out, 'nodes', node, 'junit.xml'))).exitCode).toBe(0);
    expect(readFileSync(join(out, 'fleet.md'), 'utf8')).toMatch(/^# fleetgate fleet PASS: 5\/5 nodes passed/);
  });

  test('no container of the run is left', async () => {
    expect(await fleetgateContainers(doc.fleet.id)).toEqual([]);
  });
});

test('a --grep matching only node A\'s criteria starts node A alone and runs them there', SLOW, async () => {
  const out = outDir();
  const run = await gate(['--grep', 'registry check', '--iterations', '1', '--out', out]);
  expect(run.exitCode, run.all).toBe(0);
  const doc = fleetResults(out);
  expect(doc.nodes.map((n) => [n.name, n.status])).toEqual([['arena-a', 'pass']]);
  expect(doc.criteria.map((c) => c.id)).toEqual(['preflight/configuration.spec.ts::registry check passes on the node']);
  expect(await fleetgateContainers(doc.fleet.id)).toEqual([]);
});

test('two SIGTERMs 50 ms apart are one stop request: every node stops, reports are written, no container is left', SLOW, async () => {
  const out = outDir();
  const running = gate(['--iterations', '20', '--out', out], { FLEETGATE_BUNDLE: '' });
  expect(await printed(running, 'iteration 1/20', 240_000)).toBe(true);
  running.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 50));
  running.kill('SIGTERM');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  expect(run.all).not.toMatch(/again: exiting now/);
  const doc = fleetResults(out);
  expect(doc.fleet.aborted).toMatch(/^SIGTERM/);
  // The nodes stopped mid-run and still sent back what they had finished.
  expect(doc.nodes.filter((n) => n.report !== null).length).toBeGreaterThan(0);
  expect((await xmllint(join(out, 'junit.xml'))).exitCode).toBe(0);
  expect(await fleetgateContainers(doc.fleet.id)).toEqual([]);
});
