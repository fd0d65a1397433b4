// Verdicts over N iterations. The gate passes only if nothing is flaky, broken or blocked.
import { RUN_ERRORS_ID, FILE_LOADS } from './collector.ts';
import type { CriterionError, CriterionRun, CriterionVerdict, IterationResult, Outcome, Verdict } from './types.ts';

/**
 * pass: every iteration passed without a retry. skipped: every iteration skipped.
 * broken: failed in every iteration it ran. flaky: failed in some, passed in others — or passed
 * only on a retry somewhere (as Playwright reports it). blocked: a precondition failed in some
 * iteration and the criterion never failed on its own. A criterion missing from an iteration where
 * others had it counts as failed there.
 */
export function verdictOf(outcomes: readonly (Outcome | 'missing')[], neededRetry = false): Verdict {
  const count = (o: Outcome | 'missing'): number => outcomes.filter((x) => x === o).length;
  const failed = count('fail') + count('missing');
  const passed = count('pass');
  if (failed > 0) return passed > 0 ? 'flaky' : 'broken';
  if (neededRetry && passed > 0) return 'flaky';
  if (count('blocked') > 0) return 'blocked';
  if (passed === 0) return 'skipped';
  return 'pass';
}

const fileLoadsId = (run: CriterionRun): string => `${run.suite}/${run.file}::${FILE_LOADS}`;

/** Why a criterion is absent from an iteration: its file's load error if it had one, else a placeholder. */
function missingError(iteration: IterationResult, first: CriterionRun): CriterionError {
  const load = iteration.runs.find((r) => r.id === fileLoadsId(first))?.error;
  return load ?? { type: 'Missing', message: `not collected in iteration ${iteration.index}`, detail: '' };
}

/**
 * Verdicts per criterion. An interrupted (partial) last iteration counts for the criteria that finished in
 * it; one it did not reach is judged on the complete iterations only, rather than counted as missing.
 */
export function classify(iterations: readonly IterationResult[]): CriterionVerdict[] {
  const byId = new Map<string, { first: CriterionRun; runs: (CriterionRun | undefined)[] }>();
  iterations.forEach((iteration, i) => {
    for (const run of iteration.runs) {
      const entry = byId.get(run.id) ?? { first: run, runs: Array.from<CriterionRun | undefined>({ length: iterations.length }) };
      entry.runs[i] = run;
      byId.set(run.id, entry);
    }
  });
  const verdicts: CriterionVerdict[] = [];
  const final = iterations.length - 1;
  for (const [id, { first, runs: all }] of byId) {
    // The run-level pseudo criterion only shows up when some iteration had unhandled errors.
    if (id === RUN_ERRORS_ID && all.every((r) => r === undefined || r.outcome === 'pass')) continue;
    const runs = iterations[final]?.partial && !all[final] ? all.slice(0, final) : all;
    // "(file loads)" is reported only when a file failed to load: absent means it loaded.
    const absent: Outcome | 'missing' = first.title === FILE_LOADS ? 'pass' : 'missing';
    const outcomes = runs.map((r) => r?.outcome ?? absent);
    const errors = runs.map((run, i) => (run ? run.error ?? null : absent === 'missing' ? missingError(iterations[i]!, first) : null));
    const retried = runs.map((r) => (r?.outcome === 'pass' ? r.attempts ?? [] : []));
    // A real error says more than "not collected": prefer the latest one.
    const real = errors.filter((e): e is CriterionError => e !== null && e.type !== 'Missing');
    const last = real.at(-1) ?? errors.filter((e) => e !== null).at(-1) ?? null;
    const retry = retried.findLastIndex((a) => a.length > 0);
    const lastRun = runs.findLast((r) => r !== undefined) ?? first;
    const attachments = runs.flatMap((r) => r?.attachments ?? []);
    verdicts.push({
      id,
      suite: first.suite,
      file: first.file,
      path: first.path,
      title: first.title,
      tags: first.tags,
      verdict: verdictOf(outcomes, retry >= 0),
      passed: outcomes.filter((o) => o === 'pass').length,
      failed: outcomes.filter((o) => o === 'fail' || o === 'missing').length,
      blocked: outcomes.filter((o) => o === 'blocked').length,
      skipped: outcomes.filter((o) => o === 'skip').length,
      durationsMs: runs.map((r) => r?.durationMs ?? null),
      outcomes,
      errors,
      retried,
      lastError: last ? last.message : retry >= 0 ? retryReason(retry + 1, retried[retry]!) : null,
      evidence: lastRun.evidence,
      ...(attachments.length ? { attachments } : {}),
    });
  }
  return verdicts.sort((a, b) => a.id.localeCompare(b.id));
}

function retryReason(iteration: number, attempts: readonly CriterionError[]): string {
  const times = attempts.length === 1 ? 'a retry' : `${attempts.length} retries`;
  return `passed only after ${times} in iteration ${iteration}: ${attempts.at(-1)!.message}`;
}

export const FAILING: readonly Verdict[] = ['flaky', 'broken', 'blocked'];

export function gatePasses(verdicts: readonly CriterionVerdict[]): boolean {
  return verdicts.every((v) => !FAILING.includes(v.verdict));
}
