// Writing the reports of a run whose secrets are short and common: "test" and "1234" occur in markup,
// ids, numbers and dates. Only values may be masked; every file must stay valid.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execa } from 'execa';
import { beginRedaction, Redactor } from '../../helpers/redact.ts';
import { writeFinalReports, writeIterationReport } from '../../cli/report/write.ts';
import type { ResultsDocument, RunRecord } from '../../cli/report/results.ts';
import type { CriterionRun, IterationResult } from '../../cli/gate/types.ts';
import { XSD } from '../junit-schema.ts';

const out = mkdtempSync(join(tmpdir(), 'fleetgate-write-'));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  beginRedaction();
});

const failing: CriterionRun = {
  id: 'preflight/test.spec.ts::latest test answers within 1234 ms', suite: 'preflight', file: 'test.spec.ts', path: 'suites/preflight/test.spec.ts',
  title: 'latest test answers within 1234 ms', tags: ['test'], outcome: 'fail', durationMs: 1234,
  error: { type: 'AssertionError', message: 'password test rejected after 1234 ms', detail: 'at test.spec.ts:3:1 with test' },
  evidence: [{ label: 'dsn', value: 'postgres://u:test@h:1234/db' }],
};
const iterations: IterationResult[] = [1, 2].map((index) => ({
  index, startedAt: '2026-11-23T12:34:00.000Z', durationMs: 1234, errors: [], aborted: false, partial: false,
  runs: [failing, { id: 'preflight/test.spec.ts::steady', suite: 'preflight', file: 'test.spec.ts', path: 'suites/preflight/test.spec.ts', title: 'steady', tags: [], outcome: 'pass', durationMs: 1234, evidence: [] }],
}));
const record: RunRecord = {
  id: '20261123-123400Z-1234', node: 'test-node', role: 'control-plane', iterations: 2, completedIterations: 2, suites: ['preflight'],
  startedAt: '2026-11-23T12:34:00.000Z', finishedAt: '2026-11-23T12:34:05.000Z', exitCode: 1, aborted: 'SIGTERM while running test 1234', partialIteration: null,
};

beforeAll(() => {
  const redactor = beginRedaction(new Redactor());
  redactor.add('test');
  redactor.add('1234');
  writeIterationReport(out, iterations, { runId: record.id, node: record.node, role: record.role, iterations: 2, startedAt: record.startedAt });
  writeFinalReports(out, record, iterations);
});

test.for(['junit.xml', 'iterations/2.xml'])('%s is valid against the XSD', async (file) => {
  const lint = await execa('xmllint', ['--noout', '--schema', XSD, join(out, file)], { reject: false, all: true });
  expect(lint.exitCode, lint.all).toBe(0);
});

test('results.json parses; ids, tags, numbers and dates are untouched; values are masked', () => {
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
  expect(doc.run).toMatchObject({ id: '20261123-123400Z-1234', node: 'test-node', startedAt: '2026-11-23T12:34:00.000Z', aborted: 'SIGTERM while running [redacted] [redacted]' });
  const c = doc.criteria.find((x) => x.title.startsWith('latest'))!;
  expect(c).toMatchObject({ id: failing.id, durationsMs: [1234, 1234], lastError: 'password [redacted] rejected after [redacted] ms' });
  expect(c.evidence).toEqual([{ label: 'dsn', value: 'postgres://u:[redacted]@h:[redacted]/db' }]);
});

test('the summary keeps its table and masks the reason', () => {
  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  expect(summary).toMatch(/^# fleetgate ABORTED/);
  expect(summary).toContain('| ✗ | broken | 0/2 | preflight/test › latest test answers within 1234 ms | password [redacted] rejected after [redacted] ms |');
});
