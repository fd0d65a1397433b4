// The gate over fixture criteria with known behaviour, on this machine (local transport).
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Result } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { gate, outDir, results, criterion, xmllint, xpath, filesUnder, FIXTURES, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

// Quotes, ampersand and angle bracket: the secret must also be caught once JSON-, inspect- or XML-escaped.
const SECRET = `sup3r's&<"s3cret-for-tests`;
const DISTINCTIVE = 's3cret-for-tests';
const fixtureArgs = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites')];
const env = { FLEETGATE_TEST_SECRET: SECRET };

describe('four iterations over fixture criteria', () => {
  const out = outDir();
  let run: Result<{ reject: false; all: true }>;
  let doc: ResultsDocument;
  beforeAll(async () => {
    run = await gate([...fixtureArgs, '--iterations', '4', '--out', out], env);
    doc = results(out);
  });

  test('exit 1 because something is flaky, broken or blocked', () => {
    expect(run.exitCode, run.all).toBe(1);
    expect(doc.run).toMatchObject({ node: 'test-node', role: 'control-plane', iterations: 4, completedIterations: 4, exitCode: 1, aborted: null });
  });

  test('each criterion gets the verdict its behaviour deserves', () => {
    expect(criterion(doc, 'steady criterion')).toMatchObject({ verdict: 'pass', passed: 4, failed: 0 });
    expect(criterion(doc, 'flaky criterion')).toMatchObject({ verdict: 'flaky', passed: 2, failed: 2, outcomes: ['fail', 'pass', 'fail', 'pass'] });
    expect(criterion(doc, 'broken criterion')).toMatchObject({ verdict: 'broken', passed: 0, failed: 4 });
    expect(criterion(doc, 'blocked criterion')).toMatchObject({ verdict: 'blocked', blocked: 4, failed: 0 });
    expect(criterion(doc, 'blocked criterion').lastError).toMatch(/nowhere-db at 127\.0\.0\.1:1\/none is not reachable/);
    expect(criterion(doc, 'destructive criterion')).toMatchObject({ verdict: 'skipped', lastError: expect.stringMatching(/refused: destructive/) });
    for (const c of doc.criteria) expect(c.durationsMs).toHaveLength(4);
  });

  test('a failing setup or teardown hook fails its criteria; a failed precondition in a hook blocks them', () => {
    expect(criterion(doc, 'behind a setup that explodes > hooked criterion')).toMatchObject({ verdict: 'broken', lastError: 'in a hook: setup exploded' });
    expect(criterion(doc, 'behind a setup whose precondition fails > hooked')).toMatchObject({ verdict: 'blocked', lastError: 'in a hook: the registry is not reachable' });
    expect(criterion(doc, 'behind a teardown that explodes > hooked')).toMatchObject({ verdict: 'broken', lastError: 'in a hook: teardown exploded' });
  });

  test('two criteria with one name stay two criteria', () => {
    expect(doc.criteria.filter((c) => c.title.startsWith('duplicated criterion name')).map((c) => [c.title, c.verdict])).toEqual([
      ['duplicated criterion name', 'pass'],
      ['duplicated criterion name [2]', 'broken'],
    ]);
  });

  test('merged and per-iteration JUnit are valid; the flaky criterion has one flakyFailure per failed iteration', async () => {
    const merged = join(out, 'junit.xml');
    expect(await xmllint(merged)).toMatchObject({ exitCode: 0 });
    for (const i of [1, 2, 3, 4]) expect((await xmllint(join(out, 'iterations', `${i}.xml`))).exitCode).toBe(0);
    expect(await xpath(merged, "count(//testcase[starts-with(@name,'flaky criterion')]/flakyFailure)")).toBe('2');
    expect(await xpath(merged, "string(//testcase[starts-with(@name,'blocked criterion')]/error/@type)")).toBe('blocked');
    expect(await xpath(merged, 'string(//testsuite/@hostname)')).toBe('test-node');
    // A failing criterion's console output comes with its failure, redacted.
    expect(await xpath(merged, "string(//testcase[starts-with(@name,'leaky criterion')]/failure)")).toMatch(/console output:\nconnecting with \[redacted\]/);
  });

  test('the summary names the failing criterion and its reason in one line', () => {
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^# fleetgate FAIL: test-node \(control-plane\)/);
    expect(summary).toMatch(/\| ~ \| flaky \| 2\/4 \| preflight\/verdicts › flaky criterion fails on odd iterations \| iteration 3: expected 1 to be \+0/);
  });

  test('the secret from the profile reaches no report and no terminal line, though a spec tried to leak it', () => {
    const files = filesUnder(out);
    expect(files.length).toBeGreaterThanOrEqual(7);
    // The distinctive part has no character any escaping changes: it shows the secret in every form.
    for (const { path, text } of files) expect(text.includes(DISTINCTIVE), path).toBe(false);
    expect(run.all.includes(DISTINCTIVE)).toBe(false);
    expect(criterion(doc, 'leaky criterion').lastError).toContain('[redacted]');
    expect(JSON.stringify(criterion(doc, 'leaky criterion').evidence)).toContain('postgres://none:[redacted]@');
  });
});

test('a file that throws while loading is one broken criterion, not silently nothing', async () => {
  const out = outDir();
  const run = await gate([...fixtureArgs, '--suite', 'loading', '--iterations', '1', '--out', out], env);
  expect(run.exitCode, run.all).toBe(1);
  expect(results(out).criteria.map((c) => [c.id, c.verdict, c.lastError])).toEqual([
    ['loading/late-throw.spec.ts::(file loads)', 'broken', 'top-level code exploded after a test was defined'],
  ]);
});

describe('three iterations where a file fails to load once and a criterion needs a retry', () => {
  const out = outDir();
  let doc: ResultsDocument;
  beforeAll(async () => {
    const run = await gate([...fixtureArgs, '--suite', 'intermittent', '--iterations', '3', '--out', out], env);
    expect(run.exitCode, run.all).toBe(1);
    doc = results(out);
  });

  test('a criterion that passed only on a retry is flaky, with the failed attempts as the reason', async () => {
    expect(criterion(doc, 'criterion that passes on its retry')).toMatchObject({
      verdict: 'flaky', passed: 3, failed: 0,
      lastError: expect.stringMatching(/^passed only after a retry in iteration 3: first attempt: expected 1 to be greater than 1/),
    });
    const junit = join(out, 'junit.xml');
    expect(await xpath(junit, "count(//testcase[@name='criterion that passes on its retry']/flakyFailure)")).toBe('3');
    expect(await xpath(junit, "string(//testcase[@name='criterion that passes on its retry']/flakyFailure[2]/@message)")).toMatch(/^iteration 2, attempt 1: first attempt/);
  });

  test('a file that fails to load in one iteration of three makes its criteria flaky 2/3, with the real error as the reason', () => {
    const load = { verdict: 'flaky', passed: 2, failed: 1, outcomes: ['pass', 'fail', 'pass'], lastError: expect.stringMatching(/Unexpected identifier/) };
    expect(criterion(doc, '(file loads)')).toMatchObject({ ...load, id: 'intermittent/loads-sometimes.spec.ts::(file loads)' });
    expect(criterion(doc, 'criterion in a file that sometimes fails to load')).toMatchObject({ ...load, outcomes: ['pass', 'missing', 'pass'] });
  });
});

describe('selection and refusal', () => {
  test('--list shows destructive criteria as refused and runs nothing', async () => {
    const out = outDir();
    const run = await gate([...fixtureArgs, '--list', '--out', out], env);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/\(refused: destructive, needs --allow-destructive\) preflight\/verdicts\.spec\.ts::destructive criterion stops something {2}\[destructive\]/);
    expect(run.all).toMatch(/^preflight\/verdicts\.spec\.ts::steady criterion always passes$/m);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  test('--allow-destructive runs it; --grep narrows the selection', async () => {
    const out = outDir();
    const run = await gate([...fixtureArgs, '--iterations', '1', '--grep', 'destructive', '--allow-destructive', '--out', out], env);
    expect(run.exitCode, run.all).toBe(0);
    expect(results(out).criteria.filter((c) => c.verdict !== 'skipped').map((c) => c.title)).toEqual(['destructive criterion stops something']);
  });
});

describe('bad input exits 2 with one clear line', () => {
  test('a profile with an inline secret names the file, line and field', async () => {
    const bad = join(outDir(), 'bad.yaml');
    writeFileSync(bad, readFileSync(join(FIXTURES, 'profiles/local.yaml'), 'utf8').replace('${env:FLEETGATE_TEST_SECRET}', 'hunter2-inline'));
    const run = await gate(['--profile', bad, '--iterations', '1']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^fleetgate: .*bad\.yaml:\d+: postgres\[0\]\.password: a secret reference like \$\{env:NAME\}/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('a profile pinned to another machine refuses to run here, in one line, before anything starts', async () => {
    const pinned = join(outDir(), 'pinned.yaml');
    writeFileSync(pinned, `${readFileSync(join(FIXTURES, 'profiles/local.yaml'), 'utf8')}match:\n  hostname: not-this-machine\n`);
    const run = await gate(['--profile', pinned, '--suites', join(FIXTURES, 'suites'), '--iterations', '1'], env);
    expect(run.exitCode, run.all).toBe(2);
    expect(run.stderr.trim()).toMatch(/^fleetgate: .*pinned\.yaml:\d+: match: this profile is for node test-node \(hostname "not-this-machine", this one is "[^"]+"\): run the gate on that node, not against it from here$/);
    expect(run.stdout).not.toMatch(/iteration 1/);
  });

  test.for([
    [['--iterations', '0'], /--iterations must be a whole number >= 1, got "0"/],
    [['--suite', 'prefligt'], /--suite: no suite "prefligt".*did you mean "preflight"\?/],
    [['--role', 'contrl-plane'], /--role contrl-plane does not match the role "control-plane" of node test-node .*; did you mean "control-plane"\?/],
    [['--role', 'vpn'], /--role vpn does not match the role "control-plane" of node test-node/],
    [['--grep', 'no criterion has this name'], /no criteria selected for role control-plane/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--grep', '(unclosed'], /--grep: "\(unclosed" is not a valid regular expression/],
    [['--out', '/etc/hostname/reports'], /--out: cannot write reports to \/etc\/hostname\/reports \(ENOTDIR\)/],
  ] as const)('%j', async ([args, message]) => {
    const run = await gate([...fixtureArgs, ...args], env);
    expect(run.exitCode, run.all).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

test('a role the reference stack does not have is refused before anything starts', async () => {
  const run = await gate(['--role', 'bitcoin-node', '--iterations', '1']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toMatch(/--role bitcoin-node: the embedded reference fleet has no bitcoin-node node \(its roles: registry, control-plane, vpn\)/);
  expect(run.stdout).not.toMatch(/starting the reference/);
});

test('SIGTERM mid-run: exit 3, partial reports of the finished iterations', async () => {
  const out = outDir();
  const running = gate([...fixtureArgs, '--iterations', '20', '--grep', 'slow criterion', '--out', out], { ...env, FLEETGATE_TEST_SLOW: '1' });
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(out, 'iterations', '1.xml')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  running.kill('SIGTERM');
  const run = await running;
  expect(run.exitCode, run.all).toBe(3);
  const doc = results(out);
  // Signalled as iteration 2 begins: no criterion is known to run yet (naming one is abort.test.ts's job).
  expect(doc.run).toMatchObject({ aborted: expect.stringMatching(/^SIGTERM/), exitCode: 3, iterations: 20 });
  expect(doc.run.completedIterations).toBeGreaterThanOrEqual(1);
  expect(doc.run.completedIterations).toBeLessThan(20);
  expect((await xmllint(join(out, 'junit.xml'))).exitCode).toBe(0);
});
