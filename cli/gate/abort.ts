// Stopping a run early. SIGINT, SIGTERM or --timeout make one stop request: what runs is cancelled, what
// finished is reported, what was started is removed. The same signal often arrives twice within
// milliseconds (`timeout`, CI runners and service managers signal the process and its group): a repeat
// within SAME_REQUEST_MS is that one request. A deliberate second signal after it means "now": the
// exit-now steps run (write what finished, remove containers, synchronously) and the process exits.
import { EXIT } from '../exit-codes.ts';

const GRACE_MS = 10_000;
/** Signals closer together than this are one request delivered twice, not an impatient user. */
export const SAME_REQUEST_MS = 1_000;

/** Where the abort reports, how long a run may take, and (for tests) its clock and exit. */
export interface AbortOptions {
  log: (line: string) => void;
  timeoutSeconds?: number | undefined;
  /** The clock and the exit: process ones by default; tests pass their own. */
  now?: () => number;
  exit?: (code: number) => void;
}

/** One run's stop request: its reason, what it cancels, and what must happen if the process exits now. */
export class RunAbort {
  /** Why the run stopped early, naming what was running; null while it has not. */
  reason: string | null = null;
  /** Settles a grace period after the abort: a criterion that ignores cancellation must not hold the reports. */
  readonly graceOver: Promise<null>;
  readonly #controller = new AbortController();
  readonly #options: AbortOptions;
  /** What runs now ("running <criterion>", "starting …"): on a timeout, usually what hangs. */
  readonly #activities: string[] = [];
  readonly #listeners: (() => void)[] = [];
  readonly #exitNow: (() => void)[] = [];
  #firstAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #resolveGrace: () => void = () => undefined;

  constructor(options: AbortOptions) {
    this.#options = options;
    this.graceOver = new Promise<void>((resolve) => (this.#resolveGrace = resolve))
      .then(() => new Promise<null>((resolve) => setTimeout(() => resolve(null), GRACE_MS).unref()));
  }

  /** Aborted with the first stop request: hand it to whatever can be cancelled (image builds, waits). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Something began that an abort should name; end it with ended(). */
  started(activity: string): void {
    this.#activities.push(activity);
  }

  /** It ended: an abort from now on no longer names it. */
  ended(activity: string): void {
    const i = this.#activities.lastIndexOf(activity);
    if (i >= 0) this.#activities.splice(i, 1);
  }

  /** Run fn when the abort happens (e.g. cancel the current iteration). */
  onAbort(fn: () => void): void {
    this.#listeners.push(fn);
  }

  /** Run fn, synchronously, before exiting on a second request (write reports, remove containers). */
  onExitNow(fn: () => void): void {
    this.#exitNow.push(fn);
  }

  abort(cause: string): void {
    const now = (this.#options.now ?? Date.now)();
    if (this.reason === null) {
      this.#begin(cause, now);
      return;
    }
    if (now - this.#firstAt < SAME_REQUEST_MS) return;
    this.#options.log(`${cause} again: exiting now; writing what finished and removing what was started`);
    for (const step of this.#exitNow) {
      try {
        step();
      } catch (error) {
        this.#options.log(`clean-up step failed: ${(error as Error).message}`);
      }
    }
    (this.#options.exit ?? process.exit)(EXIT.aborted);
  }

  /** Listen for signals and start the timeout; returns the undo. */
  install(): () => void {
    const onSigint = (): void => this.abort('SIGINT');
    const onSigterm = (): void => this.abort('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    const seconds = this.#options.timeoutSeconds;
    if (seconds) this.#timer = setTimeout(() => this.abort(`timeout after ${seconds} s`), seconds * 1000);
    return () => {
      clearTimeout(this.#timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    };
  }

  #begin(cause: string, now: number): void {
    this.#firstAt = now;
    // Clean-up may take a while; the timeout firing then would look like a second request.
    clearTimeout(this.#timer);
    const running = [...new Set(this.#activities)];
    this.reason = running.length ? `${cause} while ${running.join(', ')}` : cause;
    this.#options.log(`${this.reason}: stopping; partial reports will be written and everything started is removed (signal again to exit now)`);
    this.#resolveGrace();
    this.#controller.abort(new Error(this.reason));
    for (const fn of this.#listeners) fn();
  }
}
