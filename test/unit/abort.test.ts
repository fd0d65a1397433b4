// The abort state machine (cli/gate/abort.ts) with its clock and exit in the test's hands; real signals on
// a real gate process are in test/integration/abort.test.ts.
import { afterEach, expect, test, vi } from 'vitest';
import { RunAbort } from '../../cli/gate/abort.ts';

afterEach(() => vi.useRealTimers());

function harness(timeoutSeconds?: number) {
  const lines: string[] = [];
  const exits: number[] = [];
  const clock = { ms: 0 };
  const stop = new RunAbort({ log: (line) => lines.push(line), timeoutSeconds, now: () => clock.ms, exit: (code) => void exits.push(code) });
  return { stop, lines, exits, clock };
}

test('the first request stops the run once: reason, one acknowledgement, listeners, the AbortSignal', () => {
  const { stop, lines, exits } = harness();
  const heard: string[] = [];
  stop.onAbort(() => heard.push('cancel'));
  stop.started('running a › criterion');
  stop.abort('SIGINT');
  expect(stop.reason).toBe('SIGINT while running a › criterion');
  expect(stop.signal.aborted).toBe(true);
  expect(heard).toEqual(['cancel']);
  expect(lines).toEqual(['SIGINT while running a › criterion: stopping; partial reports will be written and everything started is removed (signal again to exit now)']);
  expect(exits).toEqual([]);
});

test('a repeat within 1 s is the same request (a signal sent to the process and to its group)', () => {
  const { stop, lines, exits, clock } = harness();
  stop.onExitNow(() => lines.push('exit-now clean-up'));
  stop.abort('SIGTERM');
  clock.ms = 50;
  stop.abort('SIGTERM');
  clock.ms = 999;
  stop.abort('SIGINT');
  expect(stop.reason).toBe('SIGTERM');
  expect(lines).toHaveLength(1);
  expect(exits).toEqual([]);
});

test('a deliberate second request exits now, after every clean-up step, even one that fails', () => {
  const { stop, lines, exits, clock } = harness();
  const done: string[] = [];
  stop.onExitNow(() => done.push('reports'));
  stop.onExitNow(() => {
    throw new Error('docker is gone');
  });
  stop.onExitNow(() => done.push('containers'));
  stop.abort('SIGINT');
  clock.ms = 1_500;
  stop.abort('SIGINT');
  expect(done).toEqual(['reports', 'containers']);
  expect(lines).toContain('SIGINT again: exiting now; writing what finished and removing what was started');
  expect(lines).toContain('clean-up step failed: docker is gone');
  expect(exits).toEqual([3]);
});

test('what has ended is no longer named; what still runs is', () => {
  const { stop } = harness();
  stop.started('running a › first');
  stop.started('running b › second');
  stop.ended('running a › first');
  stop.abort('SIGINT');
  expect(stop.reason).toBe('SIGINT while running b › second');
  const other = harness();
  other.stop.started('starting reference node B');
  other.stop.ended('starting reference node B');
  other.stop.abort('SIGTERM');
  expect(other.stop.reason).toBe('SIGTERM');
});

test('--timeout stops the run when it is due', () => {
  vi.useFakeTimers();
  const { stop, exits } = harness(5);
  const uninstall = stop.install();
  vi.advanceTimersByTime(4_999);
  expect(stop.reason).toBeNull();
  vi.advanceTimersByTime(1);
  expect(stop.reason).toBe('timeout after 5 s');
  expect(exits).toEqual([]);
  uninstall();
});

test('--timeout is disarmed once a signal began the abort: it never fires during clean-up as a second request', () => {
  vi.useFakeTimers();
  const { stop, exits, clock, lines } = harness(5);
  const uninstall = stop.install();
  vi.advanceTimersByTime(1_000);
  stop.abort('SIGINT');
  clock.ms = 60_000;
  vi.advanceTimersByTime(60_000);
  expect(stop.reason).toBe('SIGINT');
  expect(lines).toHaveLength(1);
  expect(exits).toEqual([]);
  uninstall();
});
