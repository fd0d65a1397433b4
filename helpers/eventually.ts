// Wait by polling with a deadline, never a fixed sleep; on timeout say what was seen last.
import { inspect } from 'node:util';

export interface EventuallyOptions {
  /** Deadline in ms (default 10 s). */
  within?: number;
  /** Pause between attempts in ms (default 250). */
  every?: number;
  /** What is being waited for, for the timeout message. */
  what?: string;
}

export class EventuallyError extends Error {
  override name = 'EventuallyError';
  readonly attempts: number;
  readonly last: unknown;
  constructor(message: string, attempts: number, last: unknown) {
    super(message);
    this.attempts = attempts;
    this.last = last;
  }
}

function describe(last: { error?: unknown; value?: unknown }): string {
  if ('error' in last) return last.error instanceof Error ? last.error.message.split('\n')[0]! : String(last.error);
  return inspect(last.value, { depth: 3, breakLength: Infinity });
}

class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

async function withDeadline<T>(attempt: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(`attempt still running at the deadline`)), Math.max(0, ms));
  });
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retry fn until it neither throws nor returns false; resolves with its last value. */
export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const within = options.within ?? 10_000;
  const every = options.every ?? 250;
  const deadline = Date.now() + within;
  let attempts = 0;
  let last: { error?: unknown; value?: unknown } = {};
  for (;;) {
    attempts++;
    try {
      // An attempt that hangs must not outlive the deadline.
      const value = await withDeadline(Promise.resolve().then(fn), deadline - Date.now());
      if (value !== false) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() + every > deadline) break;
    await new Promise((r) => setTimeout(r, every));
  }
  const lastSeen = describe(last);
  throw new EventuallyError(
    `${options.what ?? 'condition'} not successful after ${within} ms (${attempts} attempts); last: ${lastSeen}`,
    attempts,
    'error' in last ? last.error : last.value,
  );
}
