// Vitest's logger exits the process on SIGINT/SIGTERM. The gate must instead stop, write partial
// reports and clean up, so it removes the handlers an embedded Vitest adds.
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export async function keepingOurSignalHandlers<T>(create: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await create();
  } finally {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      }
    }
  }
}
