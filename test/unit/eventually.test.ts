import { expect, test } from 'vitest';
import { eventually } from '../../helpers/eventually.ts';

test('resolves with the value once the check stops throwing', async () => {
  let n = 0;
  const value = await eventually(() => {
    n++;
    if (n < 3) throw new Error(`not yet (${n})`);
    return n;
  }, { within: 2_000, every: 10 });
  expect(value).toBe(3);
});

test('a false return keeps polling', async () => {
  let n = 0;
  await expect(eventually(() => ++n >= 2, { within: 1_000, every: 10 })).resolves.toBe(true);
});

test('times out naming what it waited for and what it saw last', async () => {
  let n = 0;
  await expect(eventually(() => {
    n++;
    throw new Error(`status was 503 (attempt ${n})`);
  }, { within: 100, every: 20, what: '/readyz' })).rejects.toThrow(/\/readyz not successful after 100 ms \(\d+ attempts\); last: status was 503 \(attempt \d+\)/);
});

test('an attempt that hangs cannot outlive the deadline', async () => {
  const started = Date.now();
  await expect(eventually(() => new Promise(() => undefined), { within: 200, what: 'a hung probe' }))
    .rejects.toThrow(/a hung probe not successful after 200 ms \(1 attempts\); last: attempt still running at the deadline/);
  expect(Date.now() - started).toBeLessThan(2_000);
});
