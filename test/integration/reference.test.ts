// The gate against the embedded reference stack (node B in Docker, built locally), end to end.
import { readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Result } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { execa } from 'execa';
import { gate, outDir, results, criterion, xmllint, xpath, fleetgateContainers, ROOT, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

/** The generated and compiled profiles a run writes to the temp directory. */
function gateTempFiles(): string[] {
  return readdirSync(tmpdir()).filter((f) => /^fleetgate-(profile|compiled)-/.test(f)).sort();
}

describe('two iterations against the healthy reference stack', () => {
  let run: Result<{ reject: false; all: true }>;
  let out: string;
  let doc: ResultsDocument;
  let tempBefore: string[];
  beforeAll(async () => {
    tempBefore = gateTempFiles();
    run = await gate(['--reference-node', '--iterations', '2']);
    out = join(ROOT, 'reports', readlinkSync(join(ROOT, 'reports/latest')));
    doc = results(out);
  });

  test('exit 0, every criterion passed 2/2', () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(doc.run).toMatchObject({ node: 'arena-b', role: 'control-plane', iterations: 2, completedIterations: 2, exitCode: 0 });
    expect(doc.criteria.length).toBeGreaterThanOrEqual(15);
    for (const c of doc.criteria) expect(c, c.id).toMatchObject({ verdict: 'pass', passed: 2, failed: 0, outcomes: ['pass', 'pass'] });
  });

  test('reports/latest points at this run; JUnit is valid and names node and role', async () => {
    expect(doc.run.id).toBe(readlinkSync(join(ROOT, 'reports/latest')));
    const junit = join(out, 'junit.xml');
    expect(await xmllint(junit)).toMatchObject({ exitCode: 0 });
    expect(await xpath(junit, 'count(//testsuite[@hostname="arena-b"])')).toBe(await xpath(junit, 'count(//testsuite)'));
    expect(await xpath(junit, 'string(//testsuite[1]/properties/property[@name="role"]/@value)')).toBe('control-plane');
  });

  test('evidence of what was seen reaches the reports', () => {
    expect(criterion(doc, 'database arena-db has every expected table').evidence[0]!.value).toContain('audit_log');
    expect(criterion(doc, 'psql >= 15 is installed').evidence).toEqual([{ label: 'version', value: expect.stringMatching(/^15\./) }]);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/evidence latency samples ms: \[ \d+, \d+, \d+ \]/);
  });

  test('progress and the final table were shown', () => {
    expect(run.stdout).toMatch(/iteration 1\/2: \d+ passed, 0 failed, 0 blocked, 0 skipped/);
    expect(run.stdout).toMatch(/✓ pass\s+2\/2\s+preflight\/health › api \/healthz reports healthy/);
  });

  test('--list names exactly the criteria the run judged, without starting anything', async () => {
    const list = await gate(['--reference-node', '--list']);
    expect(list.exitCode, list.all).toBe(0);
    expect(list.stdout).not.toMatch(/starting reference node B/);
    const listed = list.stdout.split('\n').filter((l) => l.includes('::'));
    expect(listed.sort()).toEqual(doc.criteria.map((c) => c.id).sort());
  });

  test('nothing is left behind: no container, no temporary profile', async () => {
    expect(await fleetgateContainers()).toEqual([]);
    expect(gateTempFiles()).toEqual(tempBefore);
  });
});

test('with the database down, the schema criterion is blocked, not a second failure', async () => {
  const out = outDir();
  const run = await gate(['--reference-node', '--iterations', '1', '--out', out], { ARENA_MUTANT: 'db-down' });
  expect(run.exitCode, run.all).toBe(1);
  const doc = results(out);
  expect(criterion(doc, 'database arena-db has every expected table')).toMatchObject({ verdict: 'blocked', lastError: expect.stringMatching(/arena-db .* is not reachable/) });
  expect(criterion(doc, 'postgres arena-db answers a query')).toMatchObject({ verdict: 'broken' });
  expect(criterion(doc, 'api /healthz reports healthy')).toMatchObject({ verdict: 'pass' });
  expect(await fleetgateContainers()).toEqual([]);
});

test('with a rotated database password, the schema criterion fails (refused), it is not merely blocked', async () => {
  const out = outDir();
  const run = await gate(['--reference-node', '--iterations', '1', '--out', out], { ARENA_MUTANT: 'db-credential-rotated' });
  expect(run.exitCode, run.all).toBe(1);
  const doc = results(out);
  expect(criterion(doc, 'database arena-db has every expected table')).toMatchObject({
    verdict: 'broken', lastError: expect.stringMatching(/arena-db .* refused the connection: password authentication failed/),
  });
});

test('a developer runs one spec alone: the global setup starts node B and removes it afterwards', async () => {
  const run = await execa(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'suites/preflight/health.spec.ts'], {
    cwd: ROOT, reject: false, all: true, env: { TESTCONTAINERS_RYUK_DISABLED: 'true', FORCE_COLOR: '0', FLEETGATE_PROFILE: '', FLEETGATE_PROFILE_COMPILED: '' },
  });
  const text = stripVTControlCharacters(run.all);
  expect(run.exitCode, text).toBe(0);
  expect(text).toMatch(/starting reference node B/);
  expect(text).toMatch(/Tests\s+2 passed/);
  expect(await fleetgateContainers()).toEqual([]);
});

test('a developer who names a role that does not exist gets the closest one in one line, and nothing starts', async () => {
  const run = await execa(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'contrl-plane'], {
    cwd: ROOT, reject: false, all: true, env: { FORCE_COLOR: '0', FLEETGATE_PROFILE: '', FLEETGATE_PROFILE_COMPILED: '' },
  });
  expect(run.exitCode).toBe(2);
  expect(run.all.trim()).toBe('fleetgate: --project contrl-plane: no such role; did you mean "control-plane"? (roles: browser, control-plane; and self)');
});
