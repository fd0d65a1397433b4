import { expect, test } from 'vitest';
import { latencyRecorder } from '../../helpers/latency.ts';

test('percentiles of known samples, to the histogram\'s precision', () => {
  const latency = latencyRecorder();
  for (let ms = 1; ms <= 100; ms++) latency.record(ms);
  latency.record(2500.25);
  const summary = latency.summary();
  expect(summary.count).toBe(101);
  expect(summary.p50).toBeCloseTo(51, 0);
  expect(summary.p95).toBeCloseTo(96, 0);
  expect(summary.p99).toBeCloseTo(100, 0);
  expect(summary.max).toBeGreaterThanOrEqual(2500);
  expect(summary.max).toBeLessThan(2503);
});

test('sub-millisecond samples are kept', () => {
  const latency = latencyRecorder();
  latency.record(0.4);
  latency.record(0.6);
  expect(latency.summary().p50).toBeCloseTo(0.4, 1);
});
