import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { execa } from 'execa';
import { writeFleetReports, matrixLines, type FleetResults } from '../../cli/fleet/fleet-report.ts';
import { reportOf, unreachableReport, type NodeReport } from '../../cli/fleet/node-report.ts';
import type { ResultsDocument, ResultsCriterion } from '../../cli/report/results.ts';
import type { Verdict } from '../../cli/gate/types.ts';
import { XSD } from '../junit-schema.ts';

const out = mkdtempSync(join(tmpdir(), 'fleetgate-fleet-report-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function criterion(suite: string, title: string, verdict: Verdict): ResultsCriterion {
  const failed = verdict === 'broken' ? 2 : verdict === 'flaky' ? 1 : 0;
  const error = { type: 'AssertionError', message: `${title} went wrong`, detail: 'at spec.ts:1:1' };
  return {
    id: `${suite}/x.spec.ts::${title}`, suite, file: 'x.spec.ts', path: `suites/${suite}/x.spec.ts`, title, tags: [], verdict,
    passed: 2 - failed, failed, blocked: verdict === 'blocked' ? 2 : 0, skipped: 0, durationsMs: [5, 7],
    outcomes: verdict === 'broken' ? ['fail', 'fail'] : verdict === 'flaky' ? ['fail', 'pass'] : verdict === 'blocked' ? ['blocked', 'blocked'] : ['pass', 'pass'],
    errors: verdict === 'broken' ? [error, error] : verdict === 'flaky' ? [error, null] : verdict === 'blocked' ? [error, error] : [null, null],
    retried: [[], []], lastError: verdict === 'pass' ? null : error.message, evidence: [],
  };
}

function doc(node: string, criteria: ResultsCriterion[], extra: Partial<ResultsDocument['run']> = {}): ResultsDocument {
  const exitCode = criteria.every((c) => c.verdict === 'pass') ? 0 : 1;
  return {
    run: { id: `run-${node}`, node, role: 'control-plane', iterations: 2, completedIterations: 2, suites: ['preflight'], startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:09.000Z', exitCode, aborted: null, partialIteration: null, ...extra },
    criteria, runErrors: [],
  };
}

const nodes: NodeReport[] = [
  reportOf(doc('b1', [criterion('preflight', 'api answers', 'pass'), criterion('lifecycle', 'spawn works', 'pass')]), 'nodes/b1'),
  reportOf(doc('b2', [criterion('preflight', 'api answers', 'pass'), criterion('lifecycle', 'spawn works', 'flaky')]), 'nodes/b2'),
  reportOf(doc('b3', [criterion('preconditions', 'node is synced', 'broken')], { blocked: 'precondition failed: node is synced went wrong', exitCode: 1 }), 'nodes/b3'),
  unreachableReport('b4', 'control-plane', 'ssh 127.0.0.1:1: connection refused'),
];
const exitCode = writeFleetReports(out, { id: 'fleet-1', iterations: 2, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:10.000Z', aborted: null }, nodes);

test('a fleet with a flaky, a blocked and an unreachable node fails (exit 1), and says which is which', () => {
  expect(exitCode).toBe(1);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FleetResults;
  expect(results.nodes.map((n) => [n.name, n.status, n.suites])).toEqual([
    ['b1', 'pass', { lifecycle: 'pass', preconditions: '-', preflight: 'pass' }],
    ['b2', 'fail', { lifecycle: 'flaky', preconditions: '-', preflight: 'pass' }],
    ['b3', 'blocked', { lifecycle: 'not run', preconditions: 'broken', preflight: 'not run' }],
    ['b4', 'unreachable', { lifecycle: 'unreachable', preconditions: 'unreachable', preflight: 'unreachable' }],
  ]);
  expect(results.fleet).toMatchObject({ exitCode: 1, nodes: 4, passed: 1 });
  expect(results.criteria.filter((c) => c.node === 'b2').map((c) => c.verdict)).toEqual(['pass', 'flaky']);
});

test('the merged JUnit is valid, has a testsuite per node and suite, and an unreachable node is an error, not failed criteria', async () => {
  const file = join(out, 'junit.xml');
  const lint = await execa('xmllint', ['--noout', '--schema', XSD, file], { reject: false, all: true });
  expect(lint.exitCode, lint.all).toBe(0);
  const xpath = async (e: string): Promise<string> => (await execa('xmllint', ['--xpath', e, file])).stdout.trim();
  expect(await xpath('count(//testsuite)')).toBe('6');
  expect(await xpath("string(//testsuite[@hostname='b2' and properties/property[@name='suite']/@value='lifecycle']/@name)")).toBe('b2/control-plane/lifecycle');
  expect(await xpath("count(//testsuite[@hostname='b2']//flakyFailure)")).toBe('1');
  expect(await xpath("string(//testsuite[@hostname='b4']/testcase/error/@type)")).toBe('unreachable');
  expect(await xpath("count(//testsuite[@hostname='b4']//failure)")).toBe('0');
  expect(await xpath('string(/testsuites/@errors)')).toBe('1');
  expect(await xpath('string(/testsuites/@failures)')).toBe('2');
});

test('fleet.md and the terminal show one row per node with its status per suite', () => {
  const md = readFileSync(join(out, 'fleet.md'), 'utf8');
  expect(md).toMatch(/^# fleetgate fleet FAIL: 1\/4 nodes passed/);
  expect(md).toContain('| ⊘ | b3 | control-plane | blocked | not run | broken | not run | precondition failed: node is synced went wrong |');
  expect(md).toContain('**b2** lifecycle/x.spec.ts::spawn works — flaky 1/2: spawn works went wrong');
  const terminal = matrixLines(nodes, false);
  expect(terminal[0]).toMatch(/^\s+node\s+role\s+status\s+lifecycle\s+preconditions\s+preflight\s+reason$/);
  expect(terminal[4]).toMatch(/^\?\s+b4\s+control-plane\s+unreachable\s+unreachable .* ssh 127\.0\.0\.1:1: connection refused$/);
});
