// A Vitest reporter that turns one run into CriterionRuns, and tells the progress display what happens.
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';
import type { SerializedError, UserConsoleLog } from 'vitest';
import { redact } from '../../helpers/redact.ts';
import { BLOCKED_ERROR_NAME } from '../../helpers/precondition.ts';
import { ATTACHMENT_TYPE, EVIDENCE_TYPE, splitEvidence } from '../../helpers/evidence.ts';
import { saveAttachment, type AttachmentStore } from '../report/attachments.ts';
import { criterionId, grepPattern, matchesGrep, whereIs, type SuitesDir } from './criterion-id.ts';
import type { CriterionError, CriterionRun, Outcome } from './types.ts';

export const RUN_ERRORS_ID = '(run)::no unhandled errors';
/** The pseudo criterion standing for a spec file that failed to load. */
export const FILE_LOADS = '(file loads)';

export interface CollectorEvents {
  /** A criterion began (its title as the terminal shows it). */
  onCriterionStart?(title: string): void;
  /** That criterion's test finished; its outcome may still change when a hook of its file fails. */
  onCriterionResult?(title: string): void;
  /** Its outcome is final: its file ended. */
  onCriterionEnd?(run: CriterionRun): void;
}

export interface CollectorOptions {
  suitesDirs: readonly SuitesDir[];
  allowDestructive: boolean;
  grep?: string | undefined;
  /** Where attached files go (the run's report folder); without it (--list) they are not kept. */
  attachments?: AttachmentStore | undefined;
}

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  diff?: string;
}

/** A stack frame inside Vitest, a dependency or Node itself: noise next to the spec's own frames. */
const FOREIGN_FRAME = /^\s*at .*(\/node_modules\/|\(node:|\bnode:internal)/;

export function ownFrames(stack: string): string {
  return stack.split('\n').filter((line) => !FOREIGN_FRAME.test(line)).join('\n');
}

export function toCriterionError(error: ErrorLike | SerializedError): CriterionError {
  const e = error as ErrorLike;
  const message = redact(String(e.message ?? e.name ?? 'unknown error')).split('\n').find((l) => l.trim()) ?? 'unknown error';
  const detail = redact([ownFrames(e.stack ?? e.message ?? ''), e.diff ?? ''].filter(Boolean).join('\n\n'));
  return { type: e.name ?? 'Error', message: message.trim(), detail };
}

/** A precondition failure blocks; anything else fails. */
function outcomeOf(errors: ReadonlyArray<ErrorLike>): Outcome {
  return errors.length > 0 && errors.every((e) => e.name === BLOCKED_ERROR_NAME) ? 'blocked' : 'fail';
}

export function runErrorsCriterion(errors: readonly CriterionError[]): CriterionRun {
  return {
    id: RUN_ERRORS_ID, suite: '(run)', file: '', path: '', title: 'no unhandled errors', tags: [],
    outcome: errors.length ? 'fail' : 'pass', durationMs: 0, ...(errors[0] ? { error: errors[0] } : {}), evidence: [],
  };
}

/** Two tests with the same full name in one file would hide each other: number the repeats, in order. */
function numberRepeats(runs: readonly CriterionRun[]): void {
  const seen = new Map<string, number>();
  for (const run of runs) {
    const n = (seen.get(run.id) ?? 0) + 1;
    seen.set(run.id, n);
    if (n > 1) Object.assign(run, { id: `${run.id} [${n}]`, title: `${run.title} [${n}]` });
  }
}

/** The criterion's title on the terminal and in an abort's reason: `<suite>/<file> › <full name>`. */
function displayTitle(suitesDirs: readonly SuitesDir[], test: TestCase): string {
  const where = whereIs(suitesDirs, test.module.moduleId);
  return `${where.suite}/${where.file} › ${test.fullName}`;
}

export class CriterionCollector implements Reporter {
  readonly runs: CriterionRun[] = [];
  readonly errors: CriterionError[] = [];
  readonly #options: CollectorOptions;
  readonly #events: CollectorEvents;
  readonly #grep: RegExp | undefined;
  /** Console output per test id; shown with a failure only, like a test runner's captured output. */
  readonly #console = new Map<string, string[]>();
  /** Test id → its run until the file ends (a hook of an enclosing suite may still fail it). */
  readonly #byTest = new Map<string, CriterionRun>();
  /** Attachment files written in this iteration, so that two of one name do not overwrite each other. */
  readonly #attachmentFiles = new Set<string>();

  constructor(options: CollectorOptions, events: CollectorEvents = {}) {
    this.#options = options;
    this.#grep = grepPattern(options.grep);
    this.#events = events;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (!log.taskId) return;
    this.#console.set(log.taskId, [...(this.#console.get(log.taskId) ?? []), log.content.trimEnd()]);
  }

  onTestCaseReady(test: TestCase): void {
    if (!matchesGrep(this.#grep, test.fullName)) return;
    this.#events.onCriterionStart?.(displayTitle(this.#options.suitesDirs, test));
  }

  onTestCaseResult(test: TestCase): void {
    if (matchesGrep(this.#grep, test.fullName)) this.#events.onCriterionResult?.(displayTitle(this.#options.suitesDirs, test));
    // Vitest reports tests outside --grep as skipped; they were not selected, so they are not criteria here.
    if (test.result().state === 'skipped' && !matchesGrep(this.#grep, test.fullName)) return;
    this.#byTest.set(test.id, this.#toRun(test));
  }

  /**
   * Copies of the criteria that finished so far, for an iteration cut short: final ones, and those whose
   * file had not ended (a hook failing later could not fail them any more). No run-level pseudo criterion.
   */
  settled(): CriterionRun[] {
    const final = new Set(this.runs);
    const pending = [...this.#byTest.values()].filter((run) => !final.has(run)).map((run) => ({ ...run }));
    numberRepeats(pending);
    return [...this.runs.filter((run) => run.id !== RUN_ERRORS_ID).map((run) => ({ ...run })), ...pending];
  }

  /** Runs are final only when the file ends: a failed beforeAll/afterAll reports on its suite, after its tests. */
  onTestModuleEnd(module: TestModule): void {
    const errorsOf = new Map<TestModule | TestSuite, ReadonlyArray<ErrorLike>>();
    for (const scope of [module, ...module.children.allSuites()]) if (scope.errors().length) errorsOf.set(scope, scope.errors());
    const runs: CriterionRun[] = [];
    for (const test of module.children.allTests()) {
      const run = this.#byTest.get(test.id);
      if (!run) continue;
      // Without this, a broken setup would leave its tests "skipped" and the gate green.
      for (let scope: TestModule | TestSuite = test.parent; ; scope = scope.parent) {
        const errors = errorsOf.get(scope);
        if (errors) this.#amend(run, errors);
        if (scope.type === 'module') break;
      }
      runs.push(run);
    }
    numberRepeats(runs);
    for (const run of runs) {
      this.runs.push(run);
      this.#events.onCriterionEnd?.(run);
    }
    // The file failed and none of its tests ran to a result: one criterion stands for the file.
    if (errorsOf.has(module) && runs.length === 0) this.#fileFailed(module, errorsOf.get(module)!);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    this.errors.push(...unhandledErrors.map(toCriterionError));
    this.runs.push(runErrorsCriterion(this.errors));
  }

  #fileFailed(module: TestModule, errors: ReadonlyArray<ErrorLike>): void {
    // E.g. a syntax error, or a throw at the top level while collecting.
    const where = whereIs(this.#options.suitesDirs, module.moduleId);
    const run: CriterionRun = {
      id: criterionId(where, FILE_LOADS), ...where, title: FILE_LOADS, tags: [], outcome: outcomeOf(errors),
      durationMs: 0, error: toCriterionError(errors[0]!), evidence: [],
    };
    this.runs.push(run);
    this.#events.onCriterionEnd?.(run);
  }

  #amend(run: CriterionRun, errors: ReadonlyArray<ErrorLike>): void {
    if (run.outcome === 'fail' || run.outcome === 'blocked') return;
    run.outcome = outcomeOf(errors);
    run.error = toCriterionError(errors.find((e) => e.name !== BLOCKED_ERROR_NAME) ?? errors[0]!);
    run.error.message = `in a hook: ${run.error.message}`;
  }

  #toRun(test: TestCase): CriterionRun {
    const where = whereIs(this.#options.suitesDirs, test.module.moduleId);
    const result = test.result();
    const errors = result.state === 'failed' ? result.errors : [];
    const outcome: Outcome = result.state === 'passed' ? 'pass' : result.state === 'failed' ? outcomeOf(errors) : 'skip';
    // A pass after `retry` keeps the errors of the attempts that failed: they make the criterion flaky.
    const attempts = result.state === 'passed' ? (result.errors ?? []).map(toCriterionError) : [];
    const firstReal = errors.find((e) => e.name !== BLOCKED_ERROR_NAME) ?? errors[0];
    const error = firstReal ? toCriterionError(firstReal) : undefined;
    const printed = this.#console.get(test.id);
    if (error && printed) error.detail = `${error.detail}\n\nconsole output:\n${redact(printed.join('\n'))}`;
    const id = criterionId(where, test.fullName);
    const refused = result.state === 'skipped' && !this.#options.allowDestructive && test.tags.includes('destructive');
    const note = refused ? 'refused: destructive, run with --allow-destructive' : result.state === 'skipped' ? result.note : undefined;
    const attachments = this.#saveAttachments(id, test);
    return {
      id,
      ...where,
      title: test.fullName,
      tags: [...test.tags],
      outcome,
      durationMs: Math.round(test.diagnostic()?.duration ?? 0),
      ...(error ? { error } : {}),
      ...(attempts.length ? { attempts } : {}),
      ...(note ? { error: { type: 'Skipped', message: redact(note), detail: '' } } : {}),
      evidence: test.annotations().filter((a) => a.type === EVIDENCE_TYPE).map((a) => splitEvidence(redact(a.message))),
      ...(attachments.length ? { attachments } : {}),
    };
  }

  #saveAttachments(id: string, test: TestCase): NonNullable<CriterionRun['attachments']> {
    const store = this.#options.attachments;
    if (!store) return [];
    return test.annotations().filter((a) => a.type === ATTACHMENT_TYPE)
      .flatMap((a) => saveAttachment(store, id, a, this.#attachmentFiles) ?? []);
  }
}
