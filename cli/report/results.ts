// results.json: the machine-readable record of a run (DESIGN.md "The gate contract").
import type { CriterionVerdict, IterationResult } from '../gate/types.ts';

export interface RunRecord {
  id: string;
  node: string;
  role: string;
  iterations: number;
  /** Iterations that actually completed (less than `iterations` when aborted). */
  completedIterations: number;
  /** The iteration an abort interrupted, when the criteria that finished in it are included; else null. */
  partialIteration: number | null;
  suites: string[];
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  aborted: string | null;
  /** The node's preconditions failed (one line): its other suites did not run. */
  blocked?: string | null;
}

/** A criterion as results.json records it: everything a merge needs to rebuild JUnit and the summary. */
export type ResultsCriterion = CriterionVerdict;

export interface ResultsDocument {
  run: RunRecord;
  criteria: ResultsCriterion[];
  runErrors: { iteration: number; type: string; message: string; detail: string }[];
}

export function resultsDocument(run: RunRecord, verdicts: readonly CriterionVerdict[], iterations: readonly IterationResult[]): ResultsDocument {
  return {
    run,
    // The contract's fields first, then what `report merge` needs (per-iteration errors, retried attempts).
    criteria: verdicts.map((v) => ({
      id: v.id, suite: v.suite, title: v.title, verdict: v.verdict,
      passed: v.passed, failed: v.failed, blocked: v.blocked, skipped: v.skipped,
      durationsMs: v.durationsMs, outcomes: v.outcomes, lastError: v.lastError, evidence: v.evidence, attachments: v.attachments ?? [],
      file: v.file, path: v.path, tags: v.tags, errors: v.errors, retried: v.retried,
    })),
    runErrors: iterations.flatMap((it) => it.errors.map((e) => ({ iteration: it.index, type: e.type, message: e.message, detail: e.detail }))),
  };
}
