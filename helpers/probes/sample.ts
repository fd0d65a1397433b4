// Latency from one sample is noise on a busy machine: take several and judge the median.
import type { ProbeResult } from './result.ts';

export interface Sampled<T> extends ProbeResult<T> {
  samplesMs: number[];
}

/** Runs probe n times in a row; the result is the median sample, failed if any sample failed. */
export async function sampleMedian<T>(n: number, probe: () => Promise<ProbeResult<T>>): Promise<Sampled<T>> {
  const results: ProbeResult<T>[] = [];
  for (let i = 0; i < n; i++) {
    const result = await probe();
    results.push(result);
    if (!result.ok) return { ...result, samplesMs: results.map((r) => r.latencyMs) };
  }
  const sorted = [...results].sort((a, b) => a.latencyMs - b.latencyMs);
  return { ...sorted[Math.floor(sorted.length / 2)]!, samplesMs: results.map((r) => r.latencyMs) };
}
