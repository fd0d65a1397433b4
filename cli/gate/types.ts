// The gate's data model: what one iteration saw per criterion, and the verdict over all iterations.

/** One criterion in one iteration. */
export type Outcome = 'pass' | 'fail' | 'blocked' | 'skip';

/** One criterion over N iterations (DESIGN.md vocabulary). */
export type Verdict = 'pass' | 'flaky' | 'broken' | 'blocked' | 'skipped';

export interface EvidenceItem {
  label: string;
  value: string;
}

/** A file attached to a criterion (a screenshot), copied into the run's report folder. */
export interface AttachmentItem {
  name: string;
  /** Relative to the report folder (`attachments/<criterion>/<iteration>/<name>.png`), or an http(s) URL. */
  path: string;
  contentType: string;
  /** The iteration that attached it (the preconditions' one run is 1). */
  iteration: number;
}

export interface CriterionError {
  /** Error class name, e.g. AssertionError, PreconditionError. */
  type: string;
  /** One line, redacted. */
  message: string;
  /** Stack and diff, redacted; for JUnit bodies. */
  detail: string;
}

/** Which criterion: the same in one iteration's run of it and in its verdict over all of them. */
export interface CriterionIdentity {
  /** `<suite>/<file>::<full test name>` */
  id: string;
  suite: string;
  file: string;
  /** The spec as reports name it: `<suites folder>/<suite>/<file>`. */
  path: string;
  title: string;
  tags: string[];
}

export interface CriterionRun extends CriterionIdentity {
  outcome: Outcome;
  durationMs: number;
  error?: CriterionError;
  /** Failed attempts before the final one (a spec with `retry`): a pass that needed them is flaky. */
  attempts?: CriterionError[];
  evidence: EvidenceItem[];
  /** Files attached in this run (written into the report folder as they arrived). */
  attachments?: AttachmentItem[];
}

export interface IterationResult {
  index: number;
  startedAt: string;
  durationMs: number;
  runs: CriterionRun[];
  /** Errors outside any criterion (a crashed worker, an unhandled rejection). */
  errors: CriterionError[];
  /** Interrupted by an abort: holds only the criteria that finished before it. */
  partial: boolean;
}

export interface CriterionVerdict extends CriterionIdentity {
  verdict: Verdict;
  passed: number;
  failed: number;
  blocked: number;
  skipped: number;
  /**
   * Per iteration, in order; null where the criterion did not run in that iteration. One shorter than the
   * iterations when an interrupted last iteration did not reach it (so for outcomes and errors too).
   */
  durationsMs: (number | null)[];
  /** Per iteration outcome ('missing' when it was not collected). */
  outcomes: (Outcome | 'missing')[];
  /** Failure or blocking reason per iteration (index = iteration - 1). */
  errors: (CriterionError | null)[];
  /** Per iteration, the failed attempts a retry recovered from (empty when none). */
  retried: CriterionError[][];
  lastError: string | null;
  evidence: EvidenceItem[];
  /** Every iteration's attachments, in order (absent from reports written before attachments existed). */
  attachments?: AttachmentItem[];
}
