// Verdicts over N iterations. The gate passes only if nothing is flaky, broken or blocked.
import { RUN_ERRORS_ID } from './collector.ts';
import type { CriterionRun, CriterionVerdict, IterationResult, Outcome, Verdict } from './types.ts';

/**
 * pass: every iteration passed. skipped: every iteration skipped.
 * broken: failed in every iteration it ran. flaky: failed in some, passed in others.
 * blocked: a precondition failed in some iteration and the criterion never failed on its own.
 * A criterion missing from an iteration where others had it counts as failed there.
 */
export function verdictOf(outcomes: readonly (Outcome | 'missing')[]): Verdict {
  const count = (o: Outcome | 'missing'): number => outcomes.filter((x) => x === o).length;
  const failed = count('fail') + count('missing');
  const passed = count('pass');
  if (failed > 0) return passed > 0 ? 'flaky' : 'broken';
  if (count('blocked') > 0) return 'blocked';
  if (passed === 0) return 'skipped';
  return 'pass';
}

/**
 * Verdicts per criterion. An interrupted (partial) last iteration counts for the criteria that finished in
 * it; one it did not reach is judged on the complete iterations only, rather than counted as missing.
 */
export function classify(iterations: readonly IterationResult[]): CriterionVerdict[] {
  const byId = new Map<string, { first: CriterionRun; runs: (CriterionRun | undefined)[] }>();
  iterations.forEach((iteration, i) => {
    for (const run of iteration.runs) {
      const entry = byId.get(run.id) ?? { first: run, runs: new Array<CriterionRun | undefined>(iterations.length) };
      entry.runs[i] = run;
      byId.set(run.id, entry);
    }
  });
  const verdicts: CriterionVerdict[] = [];
  const last = iterations.length - 1;
  for (const [id, { first, runs }] of byId) {
    // The run-level pseudo criterion only shows up when some iteration had unhandled errors.
    if (id === RUN_ERRORS_ID && runs.every((r) => r?.outcome === 'pass')) continue;
    const length = iterations[last]?.partial && !runs[last] ? last : iterations.length;
    const outcomes = Array.from({ length }, (_, i) => runs[i]?.outcome ?? ('missing' as const));
    const errors = Array.from({ length }, (_, i) => {
      const run = runs[i];
      if (!run) return { type: 'Missing', message: `not collected in iteration ${i + 1}`, detail: '' };
      return run.error ?? null;
    });
    const lastError = [...errors].reverse().find((e) => e !== null) ?? null;
    const lastRun = [...runs].reverse().find((r) => r !== undefined) ?? first;
    verdicts.push({
      id,
      suite: first.suite,
      file: first.file,
      title: first.title,
      tags: first.tags,
      verdict: verdictOf(outcomes),
      passed: outcomes.filter((o) => o === 'pass').length,
      failed: outcomes.filter((o) => o === 'fail' || o === 'missing').length,
      blocked: outcomes.filter((o) => o === 'blocked').length,
      skipped: outcomes.filter((o) => o === 'skip').length,
      durationsMs: Array.from({ length }, (_, i) => runs[i]?.durationMs ?? null),
      outcomes,
      errors,
      lastError: lastError ? lastError.message : null,
      evidence: lastRun.evidence,
    });
  }
  return verdicts.sort((a, b) => a.id.localeCompare(b.id));
}

export const FAILING: readonly Verdict[] = ['flaky', 'broken', 'blocked'];

export function gatePasses(verdicts: readonly CriterionVerdict[]): boolean {
  return verdicts.every((v) => !FAILING.includes(v.verdict));
}
