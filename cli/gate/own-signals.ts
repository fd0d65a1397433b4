// Vitest's logger exits the process on SIGINT/SIGTERM. The gate must instead stop, write partial
// reports and clean up, so while an embedded Vitest is being created its signal registrations are
// dropped (a signal arriving during creation must not reach Vitest's exit handler either).
const SIGNALS = new Set<string | symbol>(['SIGINT', 'SIGTERM']);
type Register = (event: string | symbol, listener: (...args: unknown[]) => void) => NodeJS.Process;

export async function keepingOurSignalHandlers<T>(create: () => Promise<T>): Promise<T> {
  const methods = ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener'] as const;
  const target = process as unknown as Record<(typeof methods)[number], Register>;
  const originals = methods.map((name) => [name, target[name]] as const);
  for (const [name, original] of originals) {
    target[name] = function (this: NodeJS.Process, event, listener) {
      return SIGNALS.has(event) ? this : original.call(this, event, listener);
    };
  }
  try {
    return await create();
  } finally {
    for (const [name, original] of originals) target[name] = original;
  }
}
