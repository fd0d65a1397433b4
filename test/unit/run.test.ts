import { expect, test } from 'vitest';
import { run, RunError } from '../../helpers/run.ts';

test('a non-zero exit is a result, not an exception', async () => {
  const result = await run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  expect(result).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err', lines: ['out'], timedOut: false });
  expect(result.durationMs).toBeGreaterThanOrEqual(0);
});

test('--json output is parsed', async () => {
  const result = await run('sh', ['-c', `echo '{"ok": true, "n": [1, 2]}'`]);
  expect(result.json).toEqual({ ok: true, n: [1, 2] });
  expect((await run('echo', ['not json'])).json).toBeUndefined();
});

test('a missing program exits 127 like bats reports it', async () => {
  const result = await run('no-such-program-fleetgate', []);
  expect(result.exitCode).toBe(127);
  expect(result.cause).toBeDefined();
});

test('a timeout is reported, not hung on; the kill shows as 128+SIGTERM', async () => {
  const result = await run('sleep', ['5'], { timeoutMs: 200 });
  expect(result.timedOut).toBe(true);
  expect(result.exitCode).toBe(143);
});

test('a program killed by a signal is not reported as "not found"', async () => {
  expect((await run('sh', ['-c', 'kill -9 $$'])).exitCode).toBe(137);
});

test('check: true throws a RunError naming the command and its stderr', async () => {
  await expect(run('sh', ['-c', 'echo boom >&2; exit 2'], { check: true })).rejects.toThrow(RunError);
  await expect(run('sh', ['-c', 'echo boom >&2; exit 2'], { check: true })).rejects.toThrow(/exited 2: boom/);
});
