// One iteration = one fresh Vitest instance over the selected specs, in this process.
import { Writable } from 'node:stream';
import type { Vitest } from 'vitest/node';
import { gateVitest, suiteFilters, type Selection } from './vitest-instance.ts';
import { CriterionCollector, RUN_ERRORS_ID, runErrorsCriterion, type CollectorEvents, toCriterionError } from './collector.ts';
import type { CriterionError, IterationResult } from './types.ts';
import type { AttachmentStore } from '../report/attachments.ts';

export const ITERATION_ENV = 'FLEETGATE_ITERATION';

/** Vitest's own console output: attached to the run's errors when Vitest itself fails. */
class Captured extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface RunningIteration {
  /** The whole iteration; partial() instead when cancelled before it ran to its end. */
  result: Promise<IterationResult>;
  /** Stop it: what finished until now is kept as the partial iteration, what ends later is not counted. */
  cancel(): Promise<void>;
  /** What finished before cancel(), as an interrupted iteration: usable even while Vitest has not stopped. */
  partial(): IterationResult;
}

/** `attachments`: where the files criteria attach are written (the run's report folder). */
export function runIteration(index: number, selection: Selection, events: CollectorEvents = {}, attachments?: AttachmentStore): RunningIteration {
  const collector = new CriterionCollector({ ...selection, attachments }, events);
  const output = new Captured();
  let vitest: Vitest | undefined;
  let interrupted: IterationResult | undefined;
  const startedAt = new Date();
  const base = (): Pick<IterationResult, 'index' | 'startedAt' | 'durationMs'> =>
    ({ index, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime() });
  const partial = (): IterationResult => (interrupted ??= { ...base(), runs: collector.settled(), errors: [], partial: true });
  const result = (async (): Promise<IterationResult> => {
    // Specs may read which iteration they are in (e.g. to prove a flaky criterion is caught).
    process.env[ITERATION_ENV] = String(index);
    const errors: CriterionError[] = [];
    let completed = false;
    try {
      vitest = await gateVitest(selection, { reporters: [collector], output, refuseDestructive: true });
      if (!interrupted) await vitest.start(suiteFilters(selection));
      completed = !interrupted;
    } catch (error) {
      errors.push(toCriterionError(error as Error));
    } finally {
      await vitest?.close().catch(() => undefined);
    }
    if (interrupted && !completed) return interrupted;
    if (errors.length && output.text.trim()) errors.push({ type: 'VitestOutput', message: 'vitest output', detail: output.text });
    const allErrors = [...collector.errors, ...errors];
    // Vitest failing before its run ended still has to fail the gate, not look like an empty selection.
    const runs = collector.runs.some((r) => r.id === RUN_ERRORS_ID) ? collector.runs : [...collector.runs, runErrorsCriterion(allErrors)];
    return { ...base(), runs, errors: allErrors, partial: false };
  })();
  return {
    result,
    partial,
    async cancel() {
      partial();
      await vitest?.cancelCurrentRun('keyboard-input').catch(() => undefined);
    },
  };
}
