import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveOptions, type RawOptions } from '../../cli/options.ts';
import { UsageError } from '../../cli/exit-codes.ts';

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('gate options', () => {
  test('defaults: 5 iterations, preflight, reports/<run-id>, destructive refused', () => {
    const options = resolveOptions({ list: true }, 'run-1', {});
    expect(options).toMatchObject({ iterations: 5, suites: ['preflight'], allowDestructive: false, list: true });
    expect(options.out).toMatch(/\/reports\/run-1$/);
  });

  test('FLEETGATE_ALLOW_DESTRUCTIVE=1 allows destructive criteria like the flag does', () => {
    expect(resolveOptions({ list: true }, 'r', { FLEETGATE_ALLOW_DESTRUCTIVE: '1' }).allowDestructive).toBe(true);
    expect(resolveOptions({ list: true }, 'r', { FLEETGATE_ALLOW_DESTRUCTIVE: '0' }).allowDestructive).toBe(false);
  });

  test.for<[RawOptions, string]>([
    [{ iterations: '2.5' }, '--iterations must be a whole number >= 1, got "2.5"'],
    [{ suite: ['drils'] }, '--suite: no suite "drils" under suites/; did you mean "drills"?'],
    [{ builtinSuites: false }, '--no-builtin-suites needs --suites DIR'],
    [{ grep: 'a(b' }, '--grep: "a(b" is not a valid regular expression'],
    [{ suites: '/nonexistent/suites' }, '--suites: /nonexistent/suites is not a directory'],
  ])('%o is refused: %s', ([raw, message]) => {
    expect(usage(() => resolveOptions({ ...raw, list: true }, 'r', {}))).toContain(message);
  });
});

test('--out reports/latest writes a run directory of its own (latest is then linked to it), never into another run', () => {
  const options = resolveOptions({ list: true, out: 'reports/latest' }, 'run-7', {});
  expect(options.out).toBe(join(options.reportsDir, 'run-7'));
  expect(resolveOptions({ list: true, out: join(options.reportsDir, 'latest') }, 'run-8', {}).out).toBe(join(options.reportsDir, 'run-8'));
});
