// A Vitest reporter that turns one run into CriterionRuns, and tells the progress display what happens.
import { relative, sep } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { SerializedError, UserConsoleLog } from 'vitest';
import { redact } from '../../helpers/redact.ts';
import { BLOCKED_ERROR_NAME } from '../../helpers/precondition.ts';
import { EVIDENCE_TYPE, splitEvidence } from '../../helpers/evidence.ts';
import type { CriterionError, CriterionRun, Outcome } from './types.ts';

export const RUN_ERRORS_ID = '(run)::no unhandled errors';

export interface CollectorEvents {
  onCriterionStart?(title: string): void;
  onCriterionEnd?(run: CriterionRun): void;
}

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  diff?: string;
}

export function toCriterionError(error: ErrorLike | SerializedError): CriterionError {
  const e = error as ErrorLike;
  const message = redact(String(e.message ?? e.name ?? 'unknown error')).split('\n').find((l) => l.trim()) ?? 'unknown error';
  const detail = redact([e.stack ?? e.message ?? '', e.diff ?? ''].filter(Boolean).join('\n\n'));
  return { type: e.name ?? 'Error', message: message.trim(), detail };
}

export class CriterionCollector implements Reporter {
  readonly runs: CriterionRun[] = [];
  readonly errors: CriterionError[] = [];
  readonly #suitesDir: string;
  readonly #events: CollectorEvents;
  readonly #allowDestructive: boolean;
  readonly #grep: RegExp | undefined;
  /** Console output per test id; shown with a failure only, like a test runner's captured output. */
  readonly #console = new Map<string, string[]>();

  constructor(options: { suitesDir: string; allowDestructive: boolean; grep?: string | undefined }, events: CollectorEvents = {}) {
    this.#suitesDir = options.suitesDir;
    this.#allowDestructive = options.allowDestructive;
    this.#grep = options.grep ? new RegExp(options.grep) : undefined;
    this.#events = events;
  }

  /** Vitest reports tests outside --grep as skipped; they were not selected, so they are not criteria here. */
  #deselected(test: TestCase): boolean {
    if (!this.#grep || test.result().state !== 'skipped') return false;
    return !this.#grep.test(test.fullName) && !this.#grep.test(test.fullName.replaceAll(' > ', ' '));
  }

  #where(module: TestModule): { suite: string; file: string } {
    const path = relative(this.#suitesDir, module.moduleId).split(sep).join('/');
    const [suite = '', ...rest] = path.split('/');
    return { suite, file: rest.join('/') };
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (!log.taskId) return;
    this.#console.set(log.taskId, [...(this.#console.get(log.taskId) ?? []), log.content.trimEnd()]);
  }

  onTestCaseReady(test: TestCase): void {
    this.#events.onCriterionStart?.(`${this.#where(test.module).suite}/${this.#where(test.module).file} › ${test.fullName}`);
  }

  onTestCaseResult(test: TestCase): void {
    if (this.#deselected(test)) return;
    const run = this.#toRun(test);
    this.runs.push(run);
    this.#events.onCriterionEnd?.(run);
  }

  onTestModuleEnd(module: TestModule): void {
    const errors = module.errors();
    if (errors.length === 0) return;
    // The file could not load (syntax error, profile error at collection): one criterion stands for it.
    const { suite, file } = this.#where(module);
    const run: CriterionRun = {
      id: `${suite}/${file}::(file loads)`, suite, file, title: '(file loads)', tags: [], outcome: 'fail', durationMs: 0,
      error: toCriterionError(errors[0]!), evidence: [],
    };
    this.runs.push(run);
    this.#events.onCriterionEnd?.(run);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    this.errors.push(...unhandledErrors.map(toCriterionError));
    this.runs.push({
      id: RUN_ERRORS_ID, suite: '(run)', file: '', title: 'no unhandled errors', tags: [],
      outcome: unhandledErrors.length ? 'fail' : 'pass', durationMs: 0,
      ...(unhandledErrors.length ? { error: toCriterionError(unhandledErrors[0]!) } : {}), evidence: [],
    });
  }

  #toRun(test: TestCase): CriterionRun {
    const { suite, file } = this.#where(test.module);
    const result = test.result();
    const errors = result.state === 'failed' ? result.errors : [];
    let outcome: Outcome = 'skip';
    if (result.state === 'passed') outcome = 'pass';
    else if (result.state === 'failed') outcome = errors.every((e) => e.name === BLOCKED_ERROR_NAME) ? 'blocked' : 'fail';
    const firstReal = errors.find((e) => e.name !== BLOCKED_ERROR_NAME) ?? errors[0];
    const error = firstReal ? toCriterionError(firstReal) : undefined;
    const printed = this.#console.get(test.id);
    if (error && printed) error.detail = `${error.detail}\n\nconsole output:\n${redact(printed.join('\n'))}`;
    const refused = result.state === 'skipped' && !this.#allowDestructive && test.tags.includes('destructive');
    const note = refused ? 'refused: destructive, run with --allow-destructive' : result.state === 'skipped' ? result.note : undefined;
    return {
      id: `${suite}/${file}::${test.fullName}`,
      suite,
      file,
      title: test.fullName,
      tags: [...test.tags],
      outcome,
      durationMs: Math.round(test.diagnostic()?.duration ?? 0),
      ...(error ? { error } : {}),
      ...(note ? { error: { type: 'Skipped', message: redact(note), detail: '' } } : {}),
      evidence: test.annotations().filter((a) => a.type === EVIDENCE_TYPE).map((a) => splitEvidence(redact(a.message))),
    };
  }
}
