// Live progress of a fleet: one line per node (stage, iteration, counts, the latest failure). On a
// terminal the block is redrawn in place; elsewhere each change worth reading is one prefixed line.
import { redact } from '../../helpers/redact.ts';
import type { ProgressEvent } from '../report/progress.ts';
import type { NodeStage } from './run-node.ts';

interface NodeState {
  stage: NodeStage | 'waiting';
  iteration: string;
  counts: { pass: number; fail: number; blocked: number; skip: number };
  last: string;
}

export class FleetProgress {
  readonly #write: (text: string) => void;
  readonly #tty: boolean;
  readonly #nodes = new Map<string, NodeState>();
  #drawn = 0;

  constructor(nodes: readonly string[], write: (text: string) => void, tty: boolean) {
    this.#write = write;
    this.#tty = tty;
    for (const n of nodes) this.#nodes.set(n, { stage: 'waiting', iteration: '', counts: { pass: 0, fail: 0, blocked: 0, skip: 0 }, last: '' });
  }

  log(line: string): void {
    this.#clear();
    this.#write(`${redact(line)}\n`);
    this.#draw();
  }

  stage(node: string, stage: NodeStage): void {
    const state = this.#nodes.get(node)!;
    state.stage = stage;
    if (!this.#tty && stage !== 'done') this.#write(`[${node}] ${stage}\n`);
    this.#draw();
  }

  event(node: string, event: ProgressEvent): void {
    const state = this.#nodes.get(node)!;
    if (event.event === 'iteration-start') {
      state.iteration = `${event.iteration}/${event.of}`;
      state.counts = { pass: 0, fail: 0, blocked: 0, skip: 0 };
    } else if (event.event === 'criterion-end') {
      state.counts[event.outcome]++;
      if (event.outcome === 'fail' || event.outcome === 'blocked') {
        state.last = `${event.outcome === 'fail' ? '✗' : '⊘'} ${event.id} — ${event.message ?? event.outcome}`;
        if (!this.#tty) this.#write(`[${node}] ${redact(state.last)}\n`);
      }
    } else if (event.event === 'iteration-end' && !this.#tty) {
      const c = event.counts;
      this.#write(`[${node}] iteration ${event.iteration}/${event.of}: ${c.pass} passed, ${c.fail} failed, ${c.blocked} blocked, ${c.skip} skipped (${(event.ms / 1000).toFixed(1)} s)\n`);
    }
    this.#draw();
  }

  /** Stop redrawing (before the final table). */
  finish(): void {
    this.#clear();
    this.#drawn = 0;
  }

  #lines(): string[] {
    const width = Math.max(...[...this.#nodes.keys()].map((n) => n.length));
    return [...this.#nodes].map(([name, s]) => {
      const c = s.counts;
      const counts = s.iteration ? `iteration ${s.iteration} · ${c.pass} passed ${c.fail} failed ${c.blocked} blocked` : '';
      return redact(`${name.padEnd(width)}  ${s.stage.padEnd(11)}  ${counts}${s.last ? `  ${s.last}` : ''}`).slice(0, (process.stdout.columns || 120) - 1);
    });
  }

  #clear(): void {
    if (this.#tty && this.#drawn) this.#write(`\x1B[${this.#drawn}A\x1B[0J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (!this.#tty) return;
    this.#clear();
    const lines = this.#lines();
    this.#write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}
