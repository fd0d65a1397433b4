import { describe, expect, test } from 'vitest';
import { classify, gatePasses, verdictOf } from '../../cli/gate/classify.ts';
import { RUN_ERRORS_ID } from '../../cli/gate/collector.ts';
import type { CriterionRun, IterationResult, Outcome } from '../../cli/gate/types.ts';

function run(id: string, outcome: Outcome, message = `${id} went wrong`): CriterionRun {
  return {
    id, suite: 'preflight', file: 'x.spec.ts', path: 'suites/preflight/x.spec.ts', title: id, tags: [], outcome, durationMs: 10, evidence: [],
    ...(outcome === 'fail' || outcome === 'blocked' ? { error: { type: 'AssertionError', message, detail: '' } } : {}),
  };
}

function iteration(index: number, runs: CriterionRun[], partial = false): IterationResult {
  return { index, startedAt: new Date(0).toISOString(), durationMs: 1, runs, errors: [], partial };
}

describe('verdictOf', () => {
  test.for([
    [['pass', 'pass', 'pass'], 'pass'],
    [['fail', 'pass', 'fail'], 'flaky'],
    [['fail', 'fail', 'fail'], 'broken'],
    [['blocked', 'pass', 'pass'], 'blocked'],
    [['blocked', 'fail', 'pass'], 'flaky'],
    [['blocked', 'fail', 'fail'], 'broken'],
    [['skip', 'skip'], 'skipped'],
    [['pass', 'missing'], 'flaky'],
    [['missing', 'missing'], 'broken'],
  ] as const)('%j is %s', ([outcomes, verdict]) => {
    expect(verdictOf(outcomes)).toBe(verdict);
  });
});

describe('classify', () => {
  test('counts per criterion over iterations and keeps the last error', () => {
    const verdicts = classify([
      iteration(1, [run('a', 'fail', 'first'), run('b', 'pass')]),
      iteration(2, [run('a', 'pass'), run('b', 'pass')]),
      iteration(3, [run('a', 'fail', 'third'), run('b', 'pass')]),
    ]);
    const a = verdicts.find((v) => v.id === 'a')!;
    expect(a).toMatchObject({ verdict: 'flaky', passed: 1, failed: 2, lastError: 'third', outcomes: ['fail', 'pass', 'fail'] });
    expect(a.errors.map((e) => e?.message ?? null)).toEqual(['first', null, 'third']);
    expect(verdicts.find((v) => v.id === 'b')!.verdict).toBe('pass');
    expect(gatePasses(verdicts)).toBe(false);
  });

  test('a criterion absent from an iteration counts as failed there', () => {
    const [v] = classify([iteration(1, [run('a', 'pass')]), iteration(2, [])]);
    expect(v).toMatchObject({ verdict: 'flaky', outcomes: ['pass', 'missing'], lastError: 'not collected in iteration 2' });
  });

  test('an interrupted last iteration counts what finished in it, and what it did not reach is not a failure', () => {
    const verdicts = classify([
      iteration(1, [run('a', 'pass'), run('b', 'pass'), run('c', 'pass'), run(RUN_ERRORS_ID, 'pass')]),
      iteration(2, [run('a', 'pass'), run('b', 'fail', 'second')], true),
    ]);
    expect(verdicts.map((v) => [v.id, v.verdict, v.outcomes, v.durationsMs.length])).toEqual([
      ['a', 'pass', ['pass', 'pass'], 2],
      ['b', 'flaky', ['pass', 'fail'], 2],
      ['c', 'pass', ['pass'], 1],
    ]);
  });

  test('the run-errors pseudo criterion only appears when some iteration had unhandled errors', () => {
    const clean = classify([iteration(1, [run('a', 'pass'), run(RUN_ERRORS_ID, 'pass')])]);
    expect(clean.map((v) => v.id)).toEqual(['a']);
    const dirty = classify([iteration(1, [run('a', 'pass'), run(RUN_ERRORS_ID, 'fail')])]);
    expect(dirty.map((v) => v.id)).toContain(RUN_ERRORS_ID);
    expect(gatePasses(dirty)).toBe(false);
  });

  test('skipped criteria do not fail the gate, blocked ones do', () => {
    expect(gatePasses(classify([iteration(1, [run('a', 'pass'), run('b', 'skip')])]))).toBe(true);
    expect(gatePasses(classify([iteration(1, [run('a', 'pass'), run('b', 'blocked')])]))).toBe(false);
  });
});

describe('retries and files that fail to load', () => {
  const retried = (id: string): CriterionRun => ({ ...run(id, 'pass'), attempts: [{ type: 'AssertionError', message: 'first attempt failed', detail: '' }] });

  test('a pass that needed a retry in any iteration is flaky, and says so', () => {
    const [v] = classify([iteration(1, [run('a', 'pass')]), iteration(2, [retried('a')]), iteration(3, [run('a', 'pass')])]);
    expect(v).toMatchObject({ verdict: 'flaky', passed: 3, failed: 0, lastError: 'passed only after a retry in iteration 2: first attempt failed' });
    expect(v!.retried.map((a) => a.length)).toEqual([0, 1, 0]);
    expect(gatePasses([v!])).toBe(false);
  });

  test('a criterion missing where its file failed to load takes that error, and "(file loads)" passes where it is absent', () => {
    const file = 'x.spec.ts';
    const load: CriterionRun = { ...run(`preflight/${file}::(file loads)`, 'fail', 'SyntaxError: Unexpected identifier'), title: '(file loads)', file };
    const criterion = run('preflight/x.spec.ts::real one', 'pass');
    const verdicts = classify([iteration(1, [criterion]), iteration(2, [load]), iteration(3, [criterion])]);
    expect(verdicts.map((v) => [v.title, v.verdict, v.passed, v.failed, v.lastError])).toEqual([
      ['(file loads)', 'flaky', 2, 1, 'SyntaxError: Unexpected identifier'],
      ['preflight/x.spec.ts::real one', 'flaky', 2, 1, 'SyntaxError: Unexpected identifier'],
    ]);
  });

  test('a real error outranks the "not collected" placeholder when the reason is chosen', () => {
    const [v] = classify([iteration(1, [run('a', 'fail', 'the real reason')]), iteration(2, []), iteration(3, [run('other', 'pass')])]);
    expect(v).toMatchObject({ verdict: 'broken', lastError: 'the real reason' });
  });
});
