// Latency evidence: percentiles from an HDR histogram (hdr-histogram-js), not sorted arrays by hand.
import { build } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyRecorder {
  /** One sample, in milliseconds (kept to 0.1 ms). */
  record(ms: number): void;
  summary(): LatencySummary;
}

const SCALE = 10; // the histogram counts integers: tenths of a millisecond

export function latencyRecorder(): LatencyRecorder {
  const histogram = build({ numberOfSignificantValueDigits: 3 });
  const at = (percentile: number): number => histogram.getValueAtPercentile(percentile) / SCALE;
  return {
    record: (ms) => histogram.recordValue(Math.max(0, Math.round(ms * SCALE))),
    summary: () => ({ count: histogram.totalCount, p50: at(50), p95: at(95), p99: at(99), max: histogram.maxValue / SCALE }),
  };
}
