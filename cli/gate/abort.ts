// Stopping a run early: SIGINT, SIGTERM or --timeout set a reason once; what is running is cancelled,
// partial reports are still written. A second signal means "now" and exits without clean-up (the next
// run reaps what this one leaves: reference/stack.ts reapOrphans).
import { EXIT } from '../exit-codes.ts';

const GRACE_MS = 10_000;

export class RunAbort {
  /** Why the run stopped early, naming the criterion that was running; null while it has not. */
  reason: string | null = null;
  /** The criterion running now: on a timeout, usually the one that hangs. */
  running = '';
  readonly #log: (line: string) => void;
  readonly #timeoutSeconds: number | undefined;
  readonly #listeners: (() => void)[] = [];
  #resolveGrace: () => void = () => undefined;
  /** Settles a grace period after the abort: a criterion that ignores cancellation must not hold the reports. */
  readonly graceOver: Promise<null>;

  constructor(log: (line: string) => void, timeoutSeconds?: number) {
    this.#log = log;
    this.#timeoutSeconds = timeoutSeconds;
    this.graceOver = new Promise<void>((resolve) => (this.#resolveGrace = resolve))
      .then(() => new Promise<null>((resolve) => setTimeout(() => resolve(null), GRACE_MS).unref()));
  }

  /** Run fn when the abort happens (e.g. cancel the current iteration). */
  onAbort(fn: () => void): void {
    this.#listeners.push(fn);
  }

  abort(cause: string): void {
    if (this.reason) {
      this.#log(`${cause} again: exiting at once`);
      process.exit(EXIT.aborted);
    }
    this.reason = this.running ? `${cause} while running ${this.running}` : cause;
    this.#log(`${this.reason}: stopping; partial reports will be written and everything started is removed`);
    this.#resolveGrace();
    for (const fn of this.#listeners) fn();
  }

  /** Listen for signals and start the timeout; returns the undo. */
  install(): () => void {
    const onSigint = (): void => this.abort('SIGINT');
    const onSigterm = (): void => this.abort('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    const seconds = this.#timeoutSeconds;
    const timer = seconds ? setTimeout(() => this.abort(`timeout after ${seconds} s`), seconds * 1000) : undefined;
    return () => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    };
  }
}
