// The reports of one run as it goes: each iteration's file when it ends, then the final ones — also when
// the run is cut short, with what finished in the interrupted iteration, and when it must exit at once.
import { runVerdicts } from '../gate/preconditions.ts';
import type { CriterionVerdict, IterationResult } from '../gate/types.ts';
import type { JunitRun } from './junit.ts';
import type { RunRecord } from './results.ts';
import { PRECONDITIONS_FILE, writeFinalReports, writeIterationReport } from './write.ts';

/** What identifies a run in its reports, and where they go. */
export interface RunIdentity {
  id: string;
  node: string;
  role: string;
  /** Iterations asked for. */
  iterations: number;
  suites: readonly string[];
  startedAt: Date;
  out: string;
}

/** Which part of a run an iteration belongs to: the node's preconditions (once, first) or the selected suites. */
export type Phase = 'preconditions' | 'iteration';

/** Collects a run's iterations and writes its reports, so that every way a run ends writes the same files. */
export class RunReports {
  readonly #run: RunIdentity;
  readonly #iterations: IterationResult[] = [];
  #preconditions: IterationResult | undefined;

  constructor(run: RunIdentity) {
    this.#run = run;
  }

  get #junitRun(): JunitRun {
    const { id, node, role, iterations, startedAt } = this.#run;
    return { runId: id, node, role, iterations, startedAt: startedAt.toISOString() };
  }

  get #partial(): IterationResult | undefined {
    return this.#iterations.find((it) => it.partial);
  }

  /** What ran, in order: for a file to be written after a partial iteration, none may come after it. */
  get #interrupted(): boolean {
    return Boolean(this.#partial ?? this.#preconditions?.partial);
  }

  /**
   * An iteration, its file written at once: a complete one, or the one an abort interrupted (partial), which
   * counts with what finished in it. Nothing comes after a partial one, and an empty partial one is dropped.
   */
  add(result: IterationResult, phase: Phase = 'iteration'): void {
    if (this.#interrupted || (result.partial && result.runs.length === 0)) return;
    if (phase === 'preconditions') {
      this.#preconditions = result;
      writeIterationReport(this.#run.out, [result], this.#junitRun, PRECONDITIONS_FILE);
      return;
    }
    this.#iterations.push(result);
    writeIterationReport(this.#run.out, this.#iterations, this.#junitRun);
  }

  /** The verdicts so far (the exit code and the final table come from them). */
  verdicts(): CriterionVerdict[] {
    return runVerdicts(this.#preconditions, this.#iterations);
  }

  /** junit.xml, results.json, summary.md: synchronous, so it can run while the process exits. `blocked`: why the node is. */
  finish(exitCode: number, aborted: string | null, blocked: string | null = null): void {
    const { id, node, role, iterations, suites, startedAt, out } = this.#run;
    const record: RunRecord = {
      id, node, role, iterations,
      completedIterations: this.#iterations.filter((it) => !it.partial).length,
      partialIteration: this.#partial?.index ?? null,
      suites: [...suites], startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), exitCode, aborted, blocked,
    };
    writeFinalReports(out, record, this.#iterations, this.#preconditions);
  }
}
