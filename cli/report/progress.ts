// Live progress: iteration i/N, counts so far, the criterion running; failures as they happen.
import { styleText } from 'node:util';
import type { CriterionRun, CriterionVerdict } from '../gate/types.ts';
import { clip, redact } from '../../helpers/redact.ts';
import { MARK, rows, countsLine } from './table.ts';

export type Write = (text: string) => void;

/** What a gate on a node tells its fleet controller, one JSON object per line (`FLEETGATE_PROGRESS=jsonl`). */
export type ProgressEvent =
  | { event: 'log'; line: string }
  | { event: 'iteration-start'; iteration: number; of: number }
  | { event: 'criterion-end'; iteration: number; id: string; outcome: CriterionRun['outcome']; message?: string }
  | { event: 'iteration-end'; iteration: number; of: number; counts: Record<CriterionRun['outcome'], number>; ms: number };

/** The controller's side: a line that is one of our events, or undefined. */
export function parseProgressEvent(line: string): ProgressEvent | undefined {
  if (!line.startsWith('{"event":')) return undefined;
  try {
    return JSON.parse(line) as ProgressEvent;
  } catch {
    return undefined;
  }
}

export class Progress {
  readonly #write: Write;
  readonly #tty: boolean;
  #iteration = 0;
  #total = 0;
  /** Shown instead of "iteration i/N" (the node's preconditions run once, before iteration 1). */
  #label: string | undefined;
  #counts = { pass: 0, fail: 0, blocked: 0, skip: 0 };
  #running = '';
  #statusShown = false;
  readonly #jsonl: boolean;

  /** `jsonl`: events for a fleet controller instead of text for a person. */
  constructor(write: Write, tty: boolean, mode: 'text' | 'jsonl' = 'text') {
    this.#write = write;
    this.#jsonl = mode === 'jsonl';
    this.#tty = tty && !this.#jsonl;
  }

  #emit(event: ProgressEvent): void {
    this.#write(`${JSON.stringify(event)}\n`);
  }

  /** A free-text line: masked as a whole, since anything may be in it. */
  log(line: string): void {
    this.#line(redact(line));
  }

  /** A line built here from structure (ids, counts) and values that are masked one by one. */
  #line(line: string): void {
    if (this.#jsonl) return this.#emit({ event: 'log', line });
    this.#clearStatus();
    this.#write(`${line}\n`);
  }

  /** `label` names a run that is not one of the N iterations (`preconditions`). */
  iterationStart(index: number, total: number, label?: string): void {
    this.#iteration = index;
    this.#total = total;
    this.#label = label;
    this.#counts = { pass: 0, fail: 0, blocked: 0, skip: 0 };
    if (this.#jsonl) return this.#emit({ event: 'iteration-start', iteration: index, of: total });
    if (!this.#tty) this.#line(`${this.#name} …`);
    this.#status();
  }

  get #name(): string {
    return this.#label ?? `iteration ${this.#iteration}/${this.#total}`;
  }

  criterionStart(title: string): void {
    this.#running = title;
    this.#status();
  }

  criterionEnd(run: CriterionRun): void {
    this.#counts[run.outcome]++;
    if (this.#jsonl) {
      const message = run.error ? redact(run.error.message) : undefined;
      return this.#emit({ event: 'criterion-end', iteration: this.#iteration, id: run.id, outcome: run.outcome, ...(message ? { message } : {}) });
    }
    if (run.outcome === 'fail' || run.outcome === 'blocked') {
      const mark = run.outcome === 'fail' ? styleText('red', '✗') : styleText('yellow', '⊘');
      this.#line(`  ${mark} [${this.#label ?? `${this.#iteration}/${this.#total}`}] ${run.id} — ${redact(run.error?.message ?? run.outcome)}`);
    }
    this.#status();
  }

  iterationEnd(durationMs: number): void {
    const c = this.#counts;
    if (this.#jsonl) return this.#emit({ event: 'iteration-end', iteration: this.#iteration, of: this.#total, counts: { ...c }, ms: durationMs });
    this.#line(`${this.#name}: ${c.pass} passed, ${c.fail} failed, ${c.blocked} blocked, ${c.skip} skipped (${(durationMs / 1000).toFixed(1)} s)`);
  }

  table(verdicts: readonly CriterionVerdict[]): void {
    const list = rows(verdicts);
    const width = Math.min(90, Math.max(9, ...list.map((r) => r.criterion.length)));
    const colour = { pass: 'green', flaky: 'yellow', broken: 'red', blocked: 'magenta', skipped: 'gray' } as const;
    this.#line('');
    this.#line(`   ${'verdict'.padEnd(8)} ${'runs'.padEnd(5)} ${'criterion'.padEnd(width)}  reason`);
    for (const r of list) {
      const criterion = r.criterion.length > width ? `${r.criterion.slice(0, width - 1)}…` : r.criterion.padEnd(width);
      const head = styleText(colour[r.verdict], `${MARK[r.verdict]} ${r.verdict.padEnd(8)}`);
      this.#line(` ${head} ${r.runs.padEnd(5)} ${criterion}  ${clip(r.reason, 160)}`);
    }
    this.#line('');
    this.#line(countsLine(verdicts));
  }

  #status(): void {
    if (!this.#tty) return;
    const c = this.#counts;
    const line = `${this.#name} · ${c.pass} passed ${c.fail} failed ${c.blocked} blocked · ▶ ${this.#running}`;
    this.#write(`\r\x1B[2K${line.slice(0, (process.stdout.columns || 120) - 1)}`);
    this.#statusShown = true;
  }

  #clearStatus(): void {
    if (this.#statusShown) this.#write('\r\x1B[2K');
    this.#statusShown = false;
  }
}
