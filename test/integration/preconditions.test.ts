// A node's preconditions (suite `preconditions`) run first, once: when they hold the selected suites run
// as usual; when one fails or is blocked the node is reported blocked with the reason and nothing else runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Result } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import type { FleetResults } from '../../cli/fleet/fleet-report.ts';
import { gate, outDir, results, criterion, xmllint, fileAppears, FIXTURES, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

const args = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'blocked-suites'), '--no-builtin-suites'];
const env = { FLEETGATE_TEST_SECRET: 'a-secret-for-precondition-tests' };

interface Ran {
  out: string;
  run: Result<{ reject: false; all: true }>;
  doc: ResultsDocument;
  summary: string;
}

async function runGate(extra: string[], more: Record<string, string> = {}): Promise<Ran> {
  const out = outDir();
  const run = await gate([...args, ...extra, '--out', out], { ...env, ...more });
  return { out, run, doc: results(out), summary: readFileSync(join(out, 'summary.md'), 'utf8') };
}

const suitesOf = (doc: ResultsDocument): string[] => [...new Set(doc.criteria.map((c) => c.suite))];

describe('preconditions hold: the selected suites run as usual', () => {
  let ran: Ran;
  beforeAll(async () => {
    ran = await runGate(['--iterations', '2']);
  });

  test('exit 0, not blocked, preconditions reported first and run once, the rest N times', async () => {
    const { run, doc } = ran;
    expect(run.exitCode, run.all).toBe(0);
    expect(doc.run.blocked ?? null).toBeNull();
    expect(doc.run.suites).toEqual(['preconditions', 'preflight']);
    expect(suitesOf(doc)).toEqual(['preconditions', 'preflight']);
    expect(criterion(doc, 'the chain is fully synced')).toMatchObject({ suite: 'preconditions', verdict: 'pass', passed: 1, outcomes: ['pass'] });
    expect(criterion(doc, 'no orphan units')).toMatchObject({ verdict: 'pass', passed: 1 });
    expect(criterion(doc, 'a check behind the preconditions passes')).toMatchObject({ suite: 'preflight', verdict: 'pass', passed: 2 });
    expect(doc.criteria.map((c) => c.title), 'another role\'s precondition').not.toContain('the lb precondition is not for control-plane nodes');
    expect(await xmllint(join(ran.out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
  });
});

describe('a precondition fails: the node is blocked, its other suites do not run', () => {
  let ran: Ran;
  beforeAll(async () => {
    ran = await runGate(['--iterations', '3'], { FIXTURE_BLOCKS_BEHIND: '12' });
  });

  test('exit 1, run.blocked names the precondition and its reason', () => {
    const { run, doc } = ran;
    expect(run.exitCode, run.all).toBe(1);
    expect(doc.run.blocked).toMatch(/^precondition preconditions\/node\.spec\.ts › the chain is fully synced failed: .*blocks behind the tip/);
    expect(doc.run.blocked).not.toContain('\n');
    expect(doc.run).toMatchObject({ exitCode: 1, aborted: null, completedIterations: 0 });
  });

  test('results hold the preconditions with their verdicts and no criterion of another suite', () => {
    const { doc } = ran;
    expect(suitesOf(doc)).toEqual(['preconditions']);
    expect(criterion(doc, 'the chain is fully synced')).toMatchObject({ verdict: 'broken', failed: 1, outcomes: ['fail'] });
    expect(criterion(doc, 'no orphan units')).toMatchObject({ verdict: 'pass', passed: 1 });
  });

  test('junit.xml is valid and holds the preconditions', async () => {
    expect(await xmllint(join(ran.out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
    expect(readFileSync(join(ran.out, 'junit.xml'), 'utf8')).toContain('the chain is fully synced');
  });

  test('report merge shows the node as blocked, with the reason', async () => {
    const merged = outDir();
    const run = await gate(['report', 'merge', ran.out, '--out', merged]);
    expect(run.exitCode, run.all).toBe(1);
    const fleet = JSON.parse(readFileSync(join(merged, 'results.json'), 'utf8')) as FleetResults;
    expect(fleet.nodes.map((n) => [n.name, n.status, n.reason])).toEqual([['test-node', 'blocked', ran.doc.run.blocked]]);
    expect(await xmllint(join(merged, 'junit.xml'))).toMatchObject({ exitCode: 0 });
  });

  test('summary.md says BLOCKED and why at the top; the terminal in one line, then the table', () => {
    const [title, , why] = ran.summary.split('\n');
    expect(title).toBe('# fleetgate BLOCKED: test-node (control-plane)');
    expect(why).toMatch(/^- blocked: precondition preconditions\/node\.spec\.ts › the chain is fully synced failed: .*; not run: preflight$/);
    const lines = ran.run.stdout.split('\n');
    expect(lines.filter((l) => l.includes('BLOCKED'))).toEqual([expect.stringMatching(/^fleetgate: BLOCKED: precondition .*the chain is fully synced failed: .*; not run: preflight$/)]);
    expect(lines.some((l) => /broken .*the chain is fully synced/.test(l)), ran.run.stdout).toBe(true);
  });
});

test('a precondition blocked by an unreachable dependency blocks the node', async () => {
  const { run, doc, summary } = await runGate(['--iterations', '2'], { FIXTURE_NEED_DB: '1' });
  expect(run.exitCode, run.all).toBe(1);
  expect(doc.run.blocked).toMatch(/^precondition preconditions\/control-plane\/database\.spec\.ts › the database answers is blocked: .*nowhere-db .* is not reachable/);
  expect(criterion(doc, 'the database answers')).toMatchObject({ verdict: 'blocked', blocked: 1 });
  expect(suitesOf(doc)).toEqual(['preconditions']);
  expect(summary.split('\n')[0]).toBe('# fleetgate BLOCKED: test-node (control-plane)');
});

test('--list shows the preconditions first, whether or not they were named', async () => {
  const run = await gate([...args, '--list'], env);
  expect(run.exitCode, run.all).toBe(0);
  expect(run.stdout.split('\n')).toEqual([
    'preconditions/node.spec.ts::no orphan units',
    'preconditions/node.spec.ts::the chain is fully synced',
    'preflight/checks.spec.ts::a check behind the preconditions passes',
    'preflight/checks.spec.ts::a check that would fail if it ran',
    '4 criteria would run for control-plane (2 preconditions first)',
  ]);
});

test('--suite preconditions alone runs just them', async () => {
  const { run, doc } = await runGate(['--suite', 'preconditions', '--iterations', '2']);
  expect(run.exitCode, run.all).toBe(0);
  expect(suitesOf(doc)).toEqual(['preconditions']);
  expect(doc.run.suites).toEqual(['preconditions']);
  expect(criterion(doc, 'the chain is fully synced')).toMatchObject({ verdict: 'pass', passed: 1 });
});

test('SIGTERM while the preconditions run: exit 3, aborted, not blocked, the precondition that finished kept, nothing else ran', async () => {
  const out = outDir();
  const mark = join(out, 'holding');
  const running = gate([...args, '--iterations', '2', '--out', out], { ...env, FIXTURE_HOLD_MARK: mark });
  expect(await fileAppears(mark)).toBe(true);
  running.kill('SIGTERM');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  const doc = results(out);
  expect(doc.run.aborted).toMatch(/^SIGTERM while running preconditions\/node\.spec\.ts › no orphan units/);
  expect(doc.run.blocked ?? null).toBeNull();
  expect(doc.criteria.map((c) => `${c.suite} ${c.title} ${c.verdict}`)).toEqual(['preconditions the chain is fully synced pass']);
  expect(await xmllint(join(out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
});
