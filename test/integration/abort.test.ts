// Stopping a run early (exit 3) with real signals on a real gate process: what finished is kept, the
// reports are written, and nothing the run started is left behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { gate, outDir, results, criterion, xmllint, xpath, fileAppears, printed, fleetgateContainers, FIXTURES, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

const fixtureArgs = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites')];
const env = { FLEETGATE_TEST_SECRET: 'a-secret-for-abort-tests' };
/** The abort fixture: a quick criterion, then a hold (test/fixtures/suites/abort/hold.spec.ts). */
const holdArgs = ['--reference-node', '--suites', join(FIXTURES, 'suites'), '--suite', 'abort'];
const QUICK = 'quick criterion finishes at once';
/** Tests that start reference node B: a busy shared machine can take a while to start it. */
const STACK = { timeout: 240_000 };

async function validJunit(out: string): Promise<void> {
  expect(await xmllint(join(out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
}

test('SIGINT during iteration 1 keeps the criteria that finished, and the armed --timeout does not fire during clean-up', async () => {
  const out = outDir();
  const mark = join(out, 'holding');
  // The hold ignores cancellation for 11 s: the clean-up waits for it (10 s grace), the 8 s timeout falls inside
  // that wait, and the hold ends after the reports are written while Vitest, winding down, sets an exit code.
  const running = gate([...fixtureArgs, '--suite', 'abort', '--iterations', '3', '--timeout', '8', '--out', out], {
    ...env, FLEETGATE_TEST_HOLD: 'criterion', FLEETGATE_TEST_HOLD_MS: '11000', FLEETGATE_TEST_STUBBORN: '1', FLEETGATE_TEST_MARK: mark,
  });
  await fileAppears(mark);
  running.kill('SIGINT');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  expect(run.all).not.toMatch(/again: exiting/);
  const doc = results(out);
  expect(doc.run).toMatchObject({
    aborted: 'SIGINT while running abort/hold.spec.ts › holding criterion runs until its time is up', completedIterations: 0, partialIteration: 1, exitCode: 3,
  });
  expect(doc.criteria.map((c) => c.title)).toEqual([QUICK]);
  expect(criterion(doc, QUICK)).toMatchObject({ verdict: 'pass', passed: 1, outcomes: ['pass'] });
  await validJunit(out);
  expect(await xpath(join(out, 'junit.xml'), 'count(//testcase)')).toBe('1');
  expect(await xpath(join(out, 'junit.xml'), 'string(//testsuite[1]/properties/property[@name="partialIteration"]/@value)')).toBe('1');
  expect((await xmllint(join(out, 'iterations', '1.xml'))).exitCode).toBe(0);
  expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/iteration 1 was interrupted: the 1 criterion that finished in it is included/);
});

test('--timeout during iteration 1 keeps what finished and names the criterion that was running', async () => {
  const out = outDir();
  const run = await gate([...fixtureArgs, '--suite', 'abort', '--iterations', '3', '--timeout', '4', '--out', out], {
    ...env, FLEETGATE_TEST_HOLD: 'criterion', FLEETGATE_TEST_HOLD_MS: '25000',
  });
  expect(run.exitCode, run.all).toBe(3);
  const doc = results(out);
  expect(doc.run).toMatchObject({
    aborted: 'timeout after 4 s while running abort/hold.spec.ts › holding criterion runs until its time is up', completedIterations: 0, partialIteration: 1,
  });
  expect(doc.criteria.map((c) => [c.title, c.outcomes])).toEqual([[QUICK, ['pass']]]);
  await validJunit(out);
});

test('an abort names no criterion that already finished', async () => {
  const out = outDir();
  const mark = join(out, 'teardown');
  const running = gate([...fixtureArgs, '--suite', 'abort', '--iterations', '2', '--out', out], {
    ...env, FLEETGATE_TEST_HOLD: 'teardown', FLEETGATE_TEST_HOLD_MS: '20000', FLEETGATE_TEST_MARK: mark,
  });
  await fileAppears(mark);
  running.kill('SIGINT');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  expect(results(out).run.aborted).toBe('SIGINT');
});

test('--timeout covers starting the target: the run stops without waiting for node B to come up', STACK, async () => {
  const out = outDir();
  const run = await gate(['--reference-node', '--iterations', '1', '--timeout', '2', '--out', out]);
  expect(run.exitCode, run.all).toBe(3);
  expect(run.stdout).not.toMatch(/fleetgate: arena-b \(control-plane\), suites/);
  const doc = results(out);
  expect(doc.run).toMatchObject({ aborted: expect.stringMatching(/^timeout after 2 s while starting reference node B/), completedIterations: 0 });
  expect(await fleetgateContainers(doc.run.id)).toEqual([]);
});

test('two SIGTERMs 50 ms apart during iteration 2 are one stop request: reports written, no container left', STACK, async () => {
  const out = outDir();
  const running = gate(['--reference-node', '--iterations', '5', '--out', out]);
  await fileAppears(join(out, 'iterations', '1.xml'), 120_000);
  running.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 50));
  running.kill('SIGTERM');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  expect(run.all).not.toMatch(/again: exiting/);
  const doc = results(out);
  expect(doc.run).toMatchObject({ aborted: expect.stringMatching(/^SIGTERM/), exitCode: 3 });
  expect(doc.run.completedIterations).toBeGreaterThanOrEqual(1);
  await validJunit(out);
  expect(await fleetgateContainers(doc.run.id)).toEqual([]);
});

test('a deliberate second signal exits now, yet writes what finished and removes the container', STACK, async () => {
  const out = outDir();
  const mark = join(out, 'holding');
  // The reference stack with the abort fixture, whose hold ignores cancellation: the first SIGINT cannot end it.
  const running = gate([...holdArgs, '--iterations', '2', '--out', out], {
    FLEETGATE_TEST_HOLD: 'criterion', FLEETGATE_TEST_HOLD_MS: '25000', FLEETGATE_TEST_STUBBORN: '1', FLEETGATE_TEST_MARK: mark,
  });
  const acknowledged = printed(running, 'stopping');
  acknowledged.catch(() => undefined); // awaited below; a failure before that must not surface as unhandled
  await fileAppears(mark, 120_000);
  running.kill('SIGINT');
  await acknowledged;
  await new Promise((r) => setTimeout(r, 1_200)); // past the window in which a repeat is the same request
  const secondAt = Date.now();
  running.kill('SIGINT');
  const run = await running;
  expect(Date.now() - secondAt, 'exits now, not after the grace period').toBeLessThan(8_000);
  expect(run.exitCode, run.all).toBe(3);
  expect(run.all).toMatch(/SIGINT again: exiting now/);
  const doc = results(out);
  expect(doc.run).toMatchObject({ aborted: expect.stringMatching(/^SIGINT while running abort\/hold\.spec\.ts › holding/), partialIteration: 1 });
  expect(doc.criteria.map((c) => c.title)).toEqual([QUICK]);
  await validJunit(out);
  expect(existsSync(join(out, 'summary.md'))).toBe(true);
  expect(await fleetgateContainers(doc.run.id)).toEqual([]);
});
