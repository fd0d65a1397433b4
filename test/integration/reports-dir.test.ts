// Where reports go: --out equal to the reports directory itself, or to its `latest` link, must neither
// turn a finished run into an error nor destroy a report.
import { existsSync, lstatSync, mkdirSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gate, results, FIXTURES, ROOT } from './gate-cli.ts';

const REPORTS = join(ROOT, 'reports');
const LATEST = join(REPORTS, 'latest');

/** reports/latest as it was, put back after these tests (they move it on purpose). */
let latestBefore: string | null = null;
beforeAll(() => {
  latestBefore = existsSync(LATEST) || isLink(LATEST) ? readlinkSync(LATEST) : null;
});
afterAll(() => {
  rmSync(LATEST, { force: true });
  if (latestBefore) symlinkSync(latestBefore, LATEST);
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

test('--out reports (the reports directory itself) on the healthy stack: exit 0, reports written, latest left alone', async () => {
  const written = ['junit.xml', 'results.json', 'summary.md', 'iterations'];
  try {
    const run = await gate(['--reference-node', '--out', 'reports', '--iterations', '1']);
    expect(run.exitCode, run.all).toBe(0);
    expect(results(REPORTS).run).toMatchObject({ exitCode: 0, completedIterations: 1 });
    expect(run.all).toMatch(/^reports\/latest not updated: --out is the reports directory itself$/m);
    expect(isLink(LATEST) ? readlinkSync(LATEST) : null).toBe(latestBefore);
  } finally {
    for (const name of written) rmSync(join(REPORTS, name), { recursive: true, force: true });
  }
});

describe('--out reports/latest', () => {
  const previous = join(REPORTS, 'previous-run-for-tests');
  let made: string[] = [];
  beforeAll(() => {
    mkdirSync(previous, { recursive: true });
    writeFileSync(join(previous, 'results.json'), '{"previous": true}\n');
    rmSync(LATEST, { force: true });
    symlinkSync('previous-run-for-tests', LATEST);
    made = readdirSync(REPORTS);
  });
  afterAll(() => {
    for (const name of readdirSync(REPORTS)) if (!made.includes(name) || name === 'previous-run-for-tests') rmSync(join(REPORTS, name), { recursive: true, force: true });
  });

  test('writes a run of its own, leaves the previous run intact, and latest then shows the new one', async () => {
    const args = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites'), '--grep', 'steady criterion', '--iterations', '1'];
    const run = await gate([...args, '--out', 'reports/latest'], { FLEETGATE_TEST_SECRET: 'a-secret-for-reports-tests' });
    expect(run.exitCode, run.all).toBe(0);
    expect(readdirSync(previous)).toEqual(['results.json']);
    expect(isLink(LATEST)).toBe(true);
    const doc = results(LATEST);
    expect(readlinkSync(LATEST)).toBe(doc.run.id);
    expect(doc.run).toMatchObject({ exitCode: 0, completedIterations: 1 });
  });
});
