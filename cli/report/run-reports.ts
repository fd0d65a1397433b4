// The reports of one run as it goes: each iteration's file when it ends, then the final ones — also when
// the run is cut short, with what finished in the interrupted iteration, and when it must exit at once.
import { classify } from '../gate/classify.ts';
import type { CriterionVerdict, IterationResult } from '../gate/types.ts';
import type { JunitRun } from './junit.ts';
import type { RunRecord } from './results.ts';
import { writeFinalReports, writeIterationReport } from './write.ts';

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

/** Collects a run's iterations and writes its reports, so that every way a run ends writes the same files. */
export class RunReports {
  readonly #run: RunIdentity;
  readonly #iterations: IterationResult[] = [];

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

  /**
   * An iteration, its file written at once: a complete one, or the one an abort interrupted (partial), which
   * counts with what finished in it. Nothing comes after a partial one, and an empty partial one is dropped.
   */
  add(result: IterationResult): void {
    if (this.#partial || (result.partial && result.runs.length === 0)) return;
    this.#iterations.push(result);
    writeIterationReport(this.#run.out, this.#iterations, this.#junitRun);
  }

  /** The verdicts so far (the exit code and the final table come from them). */
  verdicts(): CriterionVerdict[] {
    return classify(this.#iterations);
  }

  /** junit.xml, results.json, summary.md: synchronous, so it can run while the process exits. */
  finish(exitCode: number, aborted: string | null): void {
    const { id, node, role, iterations, suites, startedAt, out } = this.#run;
    const record: RunRecord = {
      id, node, role, iterations,
      completedIterations: this.#iterations.filter((it) => !it.partial).length,
      partialIteration: this.#partial?.index ?? null,
      suites: [...suites], startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), exitCode, aborted,
    };
    writeFinalReports(out, record, this.#iterations);
  }
}
