// Custom matchers: a failing criterion says in one line what was expected and what was seen.
import { expect } from 'vitest';
import type { ProbeResult, HttpReply } from './probes/index.ts';
import type { RunResult } from './run.ts';
import { tail } from './run.ts';
import { compareVersions } from './node-facts.ts';
import { clip } from './redact.ts';

interface FleetgateMatchers<R = unknown> {
  /** A probe that worked and took at most `ms`. */
  toAnswerWithin(ms: number): R;
  /** An HTTP probe that got this status. */
  toHaveStatus(status: number): R;
  /** A command that exited 0. */
  toSucceed(): R;
  /** A dotted version at least `min`. */
  toBeAtLeastVersion(min: string): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat Vitest's type parameters
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends FleetgateMatchers<R> {}
}

expect.extend({
  toAnswerWithin(received: ProbeResult<unknown>, ms: number) {
    const pass = received.ok && received.latencyMs <= ms;
    return {
      pass,
      message: () => received.ok
        ? `${received.target} answered in ${received.latencyMs} ms, ${pass ? 'within' : 'over'} the ${ms} ms threshold`
        : `${received.target} did not answer: ${received.detail}`,
      actual: received.latencyMs,
      expected: ms,
    };
  },
  toHaveStatus(received: ProbeResult<HttpReply>, status: number) {
    const got = received.value?.status;
    return {
      pass: got === status,
      message: () => got === undefined
        ? `${received.target} did not answer: ${received.detail}`
        : `${received.target} answered HTTP ${got}, expected ${status}: ${clip(received.value!.body, 160)}`,
      actual: got,
      expected: status,
    };
  },
  toSucceed(received: RunResult) {
    return {
      pass: received.exitCode === 0,
      message: () => `\`${received.command}\` exited ${received.exitCode}${received.timedOut ? ' (timed out)' : ''}: ${tail(received.stderr || received.stdout) || 'no output'}`,
      actual: received.exitCode,
      expected: 0,
    };
  },
  toBeAtLeastVersion(received: string | undefined, min: string) {
    const pass = received !== undefined && compareVersions(received, min) >= 0;
    return {
      pass,
      message: () => received === undefined ? `no version found, expected >= ${min}` : `version ${received} ${pass ? 'is' : 'is not'} >= ${min}`,
      actual: received,
      expected: `>= ${min}`,
    };
  },
});
