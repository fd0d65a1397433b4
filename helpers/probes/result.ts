// What every probe returns: whether it worked, how long it took, and what it saw.
export interface ProbeResult<T = undefined> {
  /** What was probed, e.g. "postgres arena-db at 127.0.0.1:5432". */
  target: string;
  ok: boolean;
  latencyMs: number;
  /** One line for a person: the value seen or the reason it failed. */
  detail: string;
  value?: T;
}

export async function timed<T>(target: string, attempt: () => Promise<{ detail: string; value?: T }>): Promise<ProbeResult<T>> {
  const started = performance.now();
  try {
    const { detail, value } = await attempt();
    return { target, ok: true, latencyMs: Math.round(performance.now() - started), detail, ...(value === undefined ? {} : { value }) };
  } catch (error) {
    const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
    return { target, ok: false, latencyMs: Math.round(performance.now() - started), detail: message.split('\n')[0]! };
  }
}
