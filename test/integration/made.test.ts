// The `made` fixture through the gate: what a criterion made is undone after it — when it passes, when it
// fails, and when the gate is stopped while it runs — and each iteration's names carry the run's label.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { gate, outDir, results, criterion, fileAppears, FIXTURES, removeOutDirs } from './gate-cli.ts';
import { runLabel } from '../../helpers/made.ts';

afterAll(removeOutDirs);

const args = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites'), '--suite', 'made'];

function madeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-made-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('after a run of 2 iterations nothing made is left, whether the criterion passed or failed', async () => {
  const dir = madeDir();
  const out = outDir();
  const run = await gate([...args, '--iterations', '2', '--out', out], { FLEETGATE_TEST_SECRET: 'a-secret-for-made-tests', FLEETGATE_TEST_MADE_DIR: dir });
  expect(run.exitCode, run.all).toBe(1);
  const doc = results(out);
  expect(criterion(doc, 'a criterion that fails after making two things')).toMatchObject({ verdict: 'broken', failed: 2 });
  expect(criterion(doc, 'a criterion that passes after making one thing')).toMatchObject({ verdict: 'pass', passed: 2 });
  expect(readdirSync(dir)).toEqual([]);
});

test('an undo that fails fails its criterion, naming what it could not undo', async () => {
  const dir = madeDir();
  const out = outDir();
  // The markers go to a folder removed under the criterion's feet: each undo (rm) then fails.
  const run = await gate([...args, '--grep', 'passes after making', '--iterations', '1', '--out', out], {
    FLEETGATE_TEST_SECRET: 'a-secret-for-made-tests', FLEETGATE_TEST_MADE_DIR: dir, FLEETGATE_TEST_MADE_VANISH: '1',
  });
  expect(run.exitCode, run.all).toBe(1);
  expect(criterion(results(out), 'a criterion that passes after making one thing').lastError).toMatch(/^could not undo 1 thing\(s\) this criterion made: marker .*passing-fg[a-z0-9]+-\w+: ENOENT/);
});

test('SIGINT while a criterion holds: what it made is undone before the gate exits 3', async () => {
  const dir = madeDir();
  const out = outDir();
  const running = gate([...args, '--grep', 'holds after making', '--iterations', '3', '--out', out], {
    FLEETGATE_TEST_SECRET: 'a-secret-for-made-tests', FLEETGATE_TEST_MADE_DIR: dir, FLEETGATE_TEST_MADE_HOLD: '1',
  });
  expect(await fileAppears(join(dir, 'holding.cue'))).toBe(true);
  expect(readdirSync(dir).filter((f) => f.startsWith('holding-'))).toHaveLength(1);
  const [marker] = readdirSync(dir).filter((f) => f.startsWith('holding-'));
  expect(marker).toMatch(/^holding-fg[a-z0-9]+-/);
  running.kill('SIGINT');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  expect(readdirSync(dir).filter((f) => f.startsWith('holding-'))).toEqual([]);
  expect(marker).toContain(runLabel(results(out).run.id));
});
