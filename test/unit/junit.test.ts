import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { execa } from 'execa';
import { classify } from '../../cli/gate/classify.ts';
import { XSD, XSD_COPY } from '../junit-schema.ts';
import { mergedJunit, iterationJunit } from '../../cli/report/junit.ts';
import type { CriterionRun, IterationResult, Outcome } from '../../cli/gate/types.ts';


const dir = mkdtempSync(join(tmpdir(), 'fleetgate-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RUN = { runId: 'r1', node: 'arena-b', role: 'control-plane', iterations: 4, startedAt: '2026-11-22T06:00:00.000Z' };

function run(id: string, file: string, outcome: Outcome, i: number): CriterionRun {
  return {
    id: `preflight/${file}::${id}`, suite: 'preflight', file, path: `ops/suites/preflight/${file}`, title: id, tags: [], outcome, durationMs: 100 + i,
    evidence: [{ label: 'latency ms', value: String(i) }],
    ...(outcome === 'fail' || outcome === 'blocked'
      ? { error: { type: outcome === 'blocked' ? 'PreconditionError' : 'AssertionError', message: `it ${i} <broke> & "quoted" \x1B[31mred\x1B[0m`, detail: `stack ${i}\x00` } }
      : {}),
  };
}

const pattern: Record<string, Outcome[]> = {
  'steady criterion': ['pass', 'pass', 'pass', 'pass'],
  'flaky criterion': ['fail', 'pass', 'fail', 'pass'],
  'broken criterion': ['fail', 'fail', 'fail', 'fail'],
  'blocked criterion': ['blocked', 'blocked', 'blocked', 'blocked'],
  'skipped criterion': ['skip', 'skip', 'skip', 'skip'],
};
const iterations: IterationResult[] = [0, 1, 2, 3].map((i) => ({
  index: i + 1, startedAt: RUN.startedAt, durationMs: 1000, errors: [], partial: false,
  runs: Object.entries(pattern).map(([id, outcomes], n) => run(id, n % 2 ? 'a.spec.ts' : 'sub/b.spec.ts', outcomes[i]!, i + 1)),
}));

async function validate(xml: string, name: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, xml);
  const result = await execa('xmllint', ['--noout', '--schema', XSD, file], { reject: false, all: true });
  expect(result.all).toContain('validates');
  expect(result.exitCode).toBe(0);
  return file;
}

async function xpath(file: string, expression: string): Promise<string> {
  return (await execa('xmllint', ['--xpath', expression, file])).stdout.trim();
}

test('the merged file is valid against junit-10.xsd and says each verdict the way CI reads it', async () => {
  const file = await validate(mergedJunit(classify(iterations), RUN, 4321), 'merged.xml');
  expect(await xpath(file, 'count(//testcase)')).toBe('5');
  expect(await xpath(file, "count(//testcase[@name='flaky criterion']/flakyFailure)")).toBe('2');
  expect(await xpath(file, "string(//testcase[@name='flaky criterion']/flakyFailure[2]/@message)")).toMatch(/^iteration 3: it 3 <broke>/);
  expect(await xpath(file, "string(//testcase[@name='flaky criterion']/failure/@type)")).toBe('flaky');
  expect(await xpath(file, "string(//testcase[@name='broken criterion']/failure/@type)")).toBe('broken');
  expect(await xpath(file, "string(//testcase[@name='blocked criterion']/error/@type)")).toBe('blocked');
  expect(await xpath(file, "count(//testcase[@name='skipped criterion']/skipped)")).toBe('1');
  expect(await xpath(file, "count(//testcase[@name='steady criterion']/*[self::failure or self::error or self::skipped])")).toBe('0');
  expect(await xpath(file, 'string(/testsuites/@failures)')).toBe('2');
  expect(await xpath(file, 'string(/testsuites/@errors)')).toBe('1');
  expect(await xpath(file, 'string(//testsuite[1]/@hostname)')).toBe('arena-b');
  expect(await xpath(file, "string(//testsuite[1]/properties/property[@name='role']/@value)")).toBe('control-plane');
});

test('per-iteration files are valid and carry that iteration only', async () => {
  const verdicts = classify(iterations);
  const second = await validate(iterationJunit(verdicts, 2, RUN, 1000), 'it2.xml');
  expect(await xpath(second, "count(//testcase[@name='flaky criterion']/failure)")).toBe('0');
  const third = await validate(iterationJunit(verdicts, 3, RUN, 1000), 'it3.xml');
  expect(await xpath(third, "count(//testcase[@name='flaky criterion']/failure)")).toBe('1');
  expect(await xpath(third, 'count(//flakyFailure)')).toBe('0');
});

test('output is byte-stable for the same results', () => {
  expect(mergedJunit(classify(iterations), RUN, 4321)).toBe(mergedJunit(classify([...iterations]), RUN, 4321));
});

// Pinned, so that a clone without ../shared still checks its copy against the real schema.
const XSD_SHA256 = '3ffdd4c314acb4ca5af498b430c6f0ab5219e4706c81f33b7fa14a994baefcab';

test('the schema copy in fixtures/ is the shared junit-10.xsd, byte for byte', () => {
  const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  expect(digest(XSD_COPY)).toBe(XSD_SHA256);
  if (XSD !== XSD_COPY) expect(digest(XSD)).toBe(XSD_SHA256);
});

test('testsuite file= names the spec where the suites folder is, and stack traces come through', async () => {
  const file = await validate(mergedJunit(classify(iterations), RUN, 4321), 'paths.xml');
  expect(await xpath(file, "string(//testsuite[testcase/@name='flaky criterion']/@file)")).toBe('ops/suites/preflight/a.spec.ts');
  expect(await xpath(file, "string(//testcase[@name='broken criterion']/failure)")).toBe('stack 4');
});
