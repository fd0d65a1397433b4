// The example suites folder for a system that is not the reference stack (examples/lb-db), end to end:
// real lb and db nodes, healthy and with each fault switch on, side by side; the gate CLI judges each one
// with --suites beside its built-in preflight.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execa, type Result } from 'execa';
import { ExampleStack, FAULTS, type Fault, type Role, type StartedExampleStack } from '../../examples/lb-db/stack.ts';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { gate, outDir, results, filesUnder, removeOutDirs, ROOT } from './gate-cli.ts';
import { LABEL_RUN } from '../../reference/run-containers.ts';

const SUITES = 'examples/lb-db/suites';
const HEALTHY_ITERATIONS = 2;

/** The fault that fails the db node's precondition: the node is blocked, its preflight does not run. */
const BLOCKING: Fault = 'db-standby';
const PRIMARY = 'PostgreSQL app-db is a primary, not in recovery';

/** The example's criteria each fault must break; every other example criterion of that node must pass. */
const BREAKS: Record<Exclude<Fault, typeof BLOCKING>, string[]> = {
  'backend-down': ['backend web2 answers directly', 'the load balancer reports backend web2 UP', 'the frontend spreads'],
  'backend-slow': ['backend web1 answers directly', 'the load balancer reports backend web1 UP', 'the frontend spreads'],
  'frontend-down': ['the load balancer reports backend web1 UP', 'the load balancer reports backend web2 UP', 'the frontend spreads'],
  'low-connections': ['PostgreSQL app-db allows'],
  'eviction-noeviction': ['Redis app-cache evicts'],
};

interface GateRun {
  out: string;
  run: Result<{ reject: false; all: true }>;
  doc: ResultsDocument;
}

let stack: StartedExampleStack;
const runs = new Map<string, GateRun>();
const isExample = (id: string): boolean => /^preflight\/(lb|db)\//.test(id);

/** The verdicts of the example's own criteria on one node, by title. */
function verdicts(node: string): Record<string, string> {
  return Object.fromEntries(runs.get(node)!.doc.criteria.filter((c) => isExample(c.id)).map((c) => [c.title, c.verdict]));
}

/** criterion × node, to read at a glance which fault broke what (printed once). */
function matrix(): string {
  const nodes = ['lb1', 'db1', ...Object.entries(FAULTS).map(([fault, role]) => `${role}1-${fault}`)];
  const titles = [...new Set([...runs.values()].flatMap((r) => r.doc.criteria.map((c) => c.id)))].sort();
  const cell = (node: string, id: string): string => runs.get(node)!.doc.criteria.find((c) => c.id === id)?.verdict ?? '-';
  return [['criterion', ...nodes].join(' | '), ...titles.map((id) => [id, ...nodes.map((n) => cell(n, id))].join(' | '))].join('\n');
}

beforeAll(async () => {
  const builder = new ExampleStack().withNode('lb').withNode('db');
  for (const [fault, role] of Object.entries(FAULTS) as [Fault, Role][]) builder.withNode(role, fault);
  stack = await builder.start();
  await Promise.all([...stack.profiles].map(async ([node, profile]) => {
    const out = outDir();
    const iterations = String(node.includes('-') ? 1 : HEALTHY_ITERATIONS);
    const run = await gate(['--profile', profile, '--suites', SUITES, '--iterations', iterations, '--out', out], stack.secretEnv());
    runs.set(node, { out, run, doc: results(out) });
  }));
  console.log(matrix());
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  removeOutDirs();
});

/** What each healthy node must show: the example's criteria, and some built-in ones its profile generates. */
const HEALTHY = [
  {
    node: 'lb1',
    example: {
      'backend web1 answers directly within 250 ms': 'pass',
      'backend web2 answers directly within 250 ms': 'pass',
      'the load balancer reports backend web1 UP': 'pass',
      'the load balancer reports backend web2 UP': 'pass',
      'the frontend spreads 20 requests over every backend': 'pass',
    },
    builtin: ['preflight/health.spec.ts::frontend /healthz reports healthy', 'preflight/binaries.spec.ts::haproxy >= 2.6 is installed'],
  },
  {
    node: 'db1',
    example: { 'PostgreSQL app-db allows at least 150 connections': 'pass', 'Redis app-cache evicts with the allkeys-lru policy': 'pass' },
    builtin: ['preflight/dependencies.spec.ts::postgres app-db answers a query within 250 ms', 'preflight/dependencies.spec.ts::redis app-cache answers PING within 100 ms'],
  },
];

test.for(HEALTHY)('healthy $node: exit 0, every criterion passes every iteration, the built-in preflight beside the example\'s', ({ node, example, builtin }) => {
  const { run, doc } = runs.get(node)!;
  expect(run.exitCode, run.all).toBe(0);
  expect(verdicts(node)).toEqual(example);
  // The node's preconditions run once, first; everything else every iteration.
  const expectedPasses = (c: ResultsDocument['criteria'][number]): number => (c.suite === 'preconditions' ? 1 : HEALTHY_ITERATIONS);
  expect(doc.criteria.filter((c) => c.passed !== expectedPasses(c)).map((c) => `${c.title}: ${c.lastError}`)).toEqual([]);
  expect(doc.run.blocked ?? null).toBeNull();
  expect(doc.criteria.map((c) => c.id)).toEqual(expect.arrayContaining(builtin));
});

describe('each fault switch breaks its criteria and only those of the example', () => {
  const breaking = Object.entries(FAULTS).filter(([fault]) => fault !== BLOCKING) as [Exclude<Fault, typeof BLOCKING>, Role][];
  test.for(breaking)('%s', ([fault, role]) => {
    const node = `${role}1-${fault}`;
    const { run } = runs.get(node)!;
    expect(run.exitCode, run.all).toBe(1);
    const seen = verdicts(node);
    const expected = Object.fromEntries(Object.keys(seen).map((title) => [title, BREAKS[fault].some((b) => title.startsWith(b)) ? 'broken' : 'pass']));
    expect(BREAKS[fault].filter((b) => !Object.keys(seen).some((title) => title.startsWith(b))), 'criteria not found').toEqual([]);
    expect(seen).toEqual(expected);
  });
});

test(`${BLOCKING}: the precondition fails, the node is blocked with the reason and its preflight does not run`, () => {
  const { run, doc } = runs.get(`db1-${BLOCKING}`)!;
  expect(run.exitCode, run.all).toBe(1);
  expect(doc.run.blocked).toMatch(new RegExp(`^precondition preconditions/db/primary\\.spec\\.ts › ${PRIMARY} failed: pg_is_in_recovery\\(\\)`));
  expect(doc.criteria.map((c) => [c.title, c.verdict])).toEqual([[PRIMARY, 'broken']]);
  expect(readFileSync(join(runs.get(`db1-${BLOCKING}`)!.out, 'summary.md'), 'utf8')).toMatch(/^# fleetgate BLOCKED: db1/);
});

test('a wrong vars value stops the gate before anything runs: exit 2, one line naming file, line and field', async () => {
  const file = join(outDir(), 'lb1.yaml');
  const text = readFileSync(join(ROOT, 'examples/lb-db/profiles/lb1.yaml'), 'utf8');
  writeFileSync(file, text.replace(/requests: 20\b/, 'requests: twenty'));
  const line = text.split('\n').findIndex((l) => /^\s*requests: 20\b/.test(l)) + 1;
  const run = await gate(['--profile', file, '--suites', SUITES], stack.secretEnv());
  expect(run.exitCode, run.all).toBe(2);
  expect(run.stderr).toBe(`fleetgate: ${file}:${line}: vars.lb.requests: expected number, received string (checked by ${join(ROOT, SUITES, 'vars.schema.ts')})`);
});

test('no secret reaches a report or the terminal: not as is, not base64, not in the stats Basic header', () => {
  const secrets = stack.secretEnv();
  const forms = Object.values(secrets).flatMap((s) => [s, Buffer.from(s).toString('base64')]);
  forms.push(Buffer.from(`stats:${secrets.LB_STATS_PASSWORD}`).toString('base64'));
  const places = [...runs.values()].flatMap(({ out, run }) => [...filesUnder(out), { path: `terminal of ${out}`, text: run.all }]);
  expect(places.length).toBeGreaterThan(runs.size * 4);
  for (const { path, text } of places) expect(forms.filter((form) => text.includes(form)), path).toEqual([]);
});

test('a developer runs the same folder with Vitest alone: FLEETGATE_SUITES, FLEETGATE_PROFILE, --project db', async () => {
  const env = { ...stack.secretEnv(), FLEETGATE_SUITES: SUITES, FLEETGATE_PROFILE: stack.profiles.get('db1')! };
  const run = await execa(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'db'], { cwd: ROOT, env, reject: false, all: true });
  expect(run.exitCode, run.all).toBe(0);
  expect(stripVTControlCharacters(run.all)).toMatch(/Tests +8 passed \(8\)/);
});

test('stop() leaves no container of the run and no profile behind', async () => {
  await stack.stop();
  const { stdout } = await execa('docker', ['ps', '-aq', '--filter', `label=${LABEL_RUN}=${stack.runId}`]);
  expect(stdout).toBe('');
  expect(existsSync(stack.dir)).toBe(false);
});
