// The fleet gate against the reference fleet, through every way an operator drives it: the fleetgate YAML
// inventory, the same fleet as Ansible INI and YAML inventories, the Ansible playbook; a stopped node; a
// mutant on one node of a second fleet; and no secret on any command line or in any report.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ArenaFleet, type StartedArenaFleet } from '../../reference/fleet.ts';
import { CONTROL_PLANE } from '../../reference/node-kinds.ts';
import type { FleetResults } from '../../cli/fleet/fleet-report.ts';
import { ansibleInventories } from './ansible-inventory.ts';
import { filesUnder, fleetgateContainers, gate, outDir, removeOutDirs, ROOT, xmllint, xpath } from './gate-cli.ts';

const SLOW = { timeout: 300_000 };
const NODES = ['arena-b1', 'arena-b2', 'arena-b3'];
const SECRET_NAMES = CONTROL_PLANE.secrets;
const runId = (what: string): string => `it-fleet-${what}-${randomBytes(3).toString('hex')}`;
const wall: Record<string, string> = {};

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    wall[what] = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  }
}

/** The secrets a started fleet's profiles name: exportSecrets() is the only way out, so read them back from the environment. */
function secretsOf(fleet: StartedArenaFleet): Record<string, string> {
  const before = Object.fromEntries(SECRET_NAMES.map((n) => [n, process.env[n]]));
  fleet.exportSecrets();
  const secrets = Object.fromEntries(SECRET_NAMES.map((n) => [n, process.env[n]!]));
  for (const [n, v] of Object.entries(before)) if (v === undefined) delete process.env[n]; else process.env[n] = v;
  return secrets;
}

/**
 * This file checks the fleet's plumbing, with two fleets and Ansible at once on a shared machine: a 250 ms
 * PING threshold missed by a few ms there is noise, not a result (the reference and mutant tests judge latency).
 */
function relaxLatency(started: StartedArenaFleet): void {
  for (const file of readdirSync(join(started.dir, 'profiles')).map((f) => join(started.dir, 'profiles', f))) {
    writeFileSync(file, readFileSync(file, 'utf8').replace(/maxLatencyMs: \d+/g, 'maxLatencyMs: 5000'));
  }
}

const fleetResults = (out: string): FleetResults => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FleetResults;
/** Per node, per criterion: the verdict (what "the same result" means across inventories and drivers). */
const verdicts = (doc: FleetResults): string[] => doc.criteria.map((c) => `${c.node} ${c.id} ${c.verdict}`).sort();
const nodeStatus = (doc: FleetResults): string[][] => doc.nodes.map((n) => [n.name, n.status]);

/** Every form a secret could be written in that a grep finds: as is, base64 and base64url at each alignment. */
function secretForms(secret: string): string[] {
  const forms = [secret];
  for (const pad of [0, 1, 2]) {
    const bytes = Buffer.concat([Buffer.alloc(pad), Buffer.from(secret)]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = bytes.toString(encoding).replace(/=+$/, '');
      // Drop the characters the padding bytes touch and the last (partial) group.
      forms.push(encoded.slice(Math.ceil((pad * 8) / 6), encoded.length - 4));
    }
  }
  return [...new Set(forms)];
}

let bundle: string;
let fleet: StartedArenaFleet;
let mutantFleet: StartedArenaFleet | undefined;
let secrets: Record<string, string>;
let bundleDir: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'fleetgate-it-fleet-bundle-'));
  // One bundle, built with the real command; both fleets start while it builds.
  [bundle, fleet, mutantFleet] = await Promise.all([
    timed('bundle build (./gate.sh bundle)', async () => {
      const built = await execa('./gate.sh', ['bundle', '--out', bundleDir], { cwd: ROOT, all: true, reject: false });
      if (built.exitCode !== 0) throw new Error(`./gate.sh bundle failed:\n${built.all}`);
      return readdirSync(bundleDir).filter((f) => f.endsWith('.tar.gz')).map((f) => join(bundleDir, f))[0]!;
    }),
    timed('start the reference fleet', () => new ArenaFleet().withRole('control-plane').withRunId(runId('main')).start()),
    timed('start the mutant fleet', () => new ArenaFleet().withRole('control-plane').withRunId(runId('mutant')).withMutant('healthz-fails', 'arena-b2').start()),
  ]);
  secrets = secretsOf(fleet);
  for (const started of [fleet, mutantFleet!]) relaxLatency(started);
}, 600_000);

afterAll(async () => {
  await Promise.all([fleet?.stop(), mutantFleet?.stop()]);
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  removeOutDirs();
  console.log(`fleet.test.ts wall time:\n${Object.entries(wall).map(([k, v]) => `  ${k.padEnd(48)} ${v}`).join('\n')}`);
}, 120_000);

function fleetRun(inventory: string, out: string, env: Record<string, string> = secrets, extra: string[] = []): ReturnType<typeof gate> {
  return gate(['fleet', '--inventory', inventory, '--iterations', '2', '--bundle', bundle, '--out', out, ...extra], env);
}

/** Every ~100 ms until stopped: the command lines on the host and in each node's container. */
function sampleCommandLines(containers: readonly string[]): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const samples = await Promise.all([
        execa('ps', ['-eo', 'args'], { reject: false }),
        ...containers.map((c) => execa('docker', ['exec', c, 'ps', '-eo', 'args'], { reject: false })),
      ]);
      for (const s of samples) for (const line of String(s.stdout).split('\n')) seen.add(line);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { async stop() { running = false; await loop; return [...seen]; } };
}

async function containersOf(started: StartedArenaFleet): Promise<string[]> {
  const { stdout } = await execa('docker', ['ps', '--filter', `label=org.fleetgate.run=${started.runId}`, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean).sort();
}

describe('one fleet, three inventory formats, the same verdicts', () => {
  let baseline: FleetResults;
  let commandLines: string[];
  const out = outDir();

  beforeAll(async () => {
    const sampler = sampleCommandLines(await containersOf(fleet));
    const run = await timed('fleet run, fleetgate YAML, 3 nodes x 2 iterations', () => fleetRun(fleet.inventoryFile, out));
    commandLines = await sampler.stop();
    expect(run.exitCode, run.all).toBe(0);
    baseline = fleetResults(out);
  }, 300_000);

  test('fleetgate YAML: every node passes', () => {
    expect(nodeStatus(baseline)).toEqual(NODES.map((n) => [n, 'pass']));
    expect(baseline.criteria.length).toBeGreaterThan(NODES.length);
  });

  test('no secret in any command line on the host or in a node during the run, none in its reports (plain or base64)', () => {
    // The sampler saw the gate running on the nodes (else it proves nothing).
    expect(commandLines.some((l) => /\/var\/tmp\/fleetgate\/bundles\/.*gate\.sh|runtime\/node/.test(l)), 'the gate was never seen running').toBe(true);
    for (const value of Object.values(secrets)) {
      expect(commandLines.filter((l) => l.includes(value))).toEqual([]);
      const forms = secretForms(value);
      const leaks = filesUnder(out).filter((f) => forms.some((form) => f.text.includes(form))).map((f) => f.path);
      expect(leaks).toEqual([]);
    }
  });

  test.for(['ini', 'yaml'] as const)('Ansible %s inventory: the same per-node verdicts, exit 0', SLOW, async (format) => {
    const inventory = ansibleInventories(fleet.inventoryFile)[format];
    const runOut = outDir();
    const run = await timed(`fleet run, Ansible ${format.toUpperCase()}, 3 nodes x 2 iterations`, () => fleetRun(inventory, runOut));
    expect(run.exitCode, `${String(run.all)} ${run.message}`).toBe(0);
    expect(verdicts(fleetResults(runOut))).toEqual(verdicts(baseline));
  });

  test('the playbook: exit 0, its merged report has the same verdicts, nothing left on the nodes', SLOW, async () => {
    const { ini } = ansibleInventories(fleet.inventoryFile);
    const reports = outDir();
    const secretsDir = mkdtempSync(join(tmpdir(), 'fleetgate-it-secrets-'));
    const secretsFile = join(secretsDir, 'secrets.json');
    try {
      writeFileSync(secretsFile, JSON.stringify({ fleetgate_secrets: secrets }), { mode: 0o600 });
      chmodSync(secretsFile, 0o600);
      const sampler = sampleCommandLines(await containersOf(fleet));
      const run = await timed('ansible-playbook fleet/gate.yml, 3 nodes x 2 iterations', () => execa('ansible-playbook', [
        '-i', ini, 'fleet/gate.yml', '-e', `fleetgate_bundle=${bundle}`, '-e', `@${secretsFile}`,
        '-e', `fleetgate_reports=${reports}`, '-e', 'fleetgate_iterations=2',
      ], { cwd: ROOT, all: true, reject: false, env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True' } }));
      const commandLines = await sampler.stop();
      expect(run.exitCode, run.all).toBe(0);
      const merged = fleetResults(reports);
      expect(nodeStatus(merged)).toEqual(NODES.map((n) => [n, 'pass']));
      expect(verdicts(merged)).toEqual(verdicts(baseline));
      expect((await xmllint(join(reports, 'junit.xml'))).exitCode).toBe(0);
      // Each host's directory holds that host's own report (hosts fetching at once once raced for one file).
      for (const node of NODES) expect(JSON.parse(readFileSync(join(reports, 'nodes', node, 'results.json'), 'utf8')).run.node, node).toBe(node);
      for (const c of await containersOf(fleet)) {
        expect((await execa('docker', ['exec', c, 'test', '-e', '/var/tmp/fleetgate'], { reject: false })).exitCode, c).toBe(1);
      }
      for (const value of Object.values(secrets)) {
        expect(String(run.all)).not.toContain(value);
        expect(commandLines.filter((l) => l.includes(value))).toEqual([]);
        const forms = secretForms(value);
        expect(filesUnder(reports).filter((f) => forms.some((form) => f.text.includes(form))).map((f) => f.path)).toEqual([]);
      }
    } finally {
      rmSync(secretsDir, { recursive: true, force: true });
    }
  });
});

test('a mutant on one node of a second fleet (healthz-fails on arena-b2): only arena-b2 fails, exit 1', SLOW, async () => {
  const out = outDir();
  try {
    const run = await timed('fleet run, mutant fleet, 3 nodes x 2 iterations', () => fleetRun(mutantFleet!.inventoryFile, out, secretsOf(mutantFleet!)));
    expect(run.exitCode, run.all).toBe(1);
    const doc = fleetResults(out);
    expect(nodeStatus(doc)).toEqual([['arena-b1', 'pass'], ['arena-b2', 'fail'], ['arena-b3', 'pass']]);
    const failing = doc.criteria.filter((c) => c.verdict !== 'pass');
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((c) => c.node === 'arena-b2')).toBe(true);
    expect(failing.some((c) => /healthz/.test(c.title))).toBe(true);
  } finally {
    const id = mutantFleet!.runId;
    await mutantFleet!.stop();
    mutantFleet = undefined;
    expect(await fleetgateContainers(id)).toEqual([]);
  }
});

// Last: it changes the fleet.
test('a stopped node is unreachable with a one-line reason; the others run; exit 1; JUnit says error, not failure', SLOW, async () => {
  const [b1] = (await containersOf(fleet)).filter((c) => c.includes('arena-b1'));
  await execa('docker', ['stop', '-t', '1', b1!]);
  const out = outDir();
  const run = await timed('fleet run, one node stopped', () => fleetRun(fleet.inventoryFile, out));
  expect(run.exitCode, run.all).toBe(1);
  const doc = fleetResults(out);
  expect(nodeStatus(doc)).toEqual([['arena-b1', 'unreachable'], ['arena-b2', 'pass'], ['arena-b3', 'pass']]);
  const reason = doc.nodes[0]!.reason!;
  expect(reason).toMatch(/\S/);
  expect(reason).not.toContain('\n');
  expect(doc.criteria.filter((c) => c.node === 'arena-b2').length).toBeGreaterThan(0);
  expect(doc.criteria.filter((c) => c.node === 'arena-b3').every((c) => c.verdict === 'pass')).toBe(true);
  const junit = join(out, 'junit.xml');
  expect((await xmllint(junit)).exitCode).toBe(0);
  expect(Number(await xpath(junit, 'count(//testsuite[@hostname="arena-b1"]//error[@type="unreachable"])'))).toBeGreaterThan(0);
  expect(await xpath(junit, 'count(//failure)')).toBe('0');
});

// Last, after the stopped node: arena-b1 is still down. arena-b2's profile now pins another machine.
test('the fleet command and the playbook agree on a node that is down and one that refuses its profile, and say why', SLOW, async () => {
  const profile = join(fleet.dir, 'profiles', 'arena-b2.yaml');
  writeFileSync(profile, readFileSync(profile, 'utf8').replace('hostname: arena-b2', 'hostname: somewhere-else'));
  const fromFleet = outDir();
  const fromPlaybook = outDir();
  expect((await timed('fleet run, one node down, one refusing', () => fleetRun(fleet.inventoryFile, fromFleet))).exitCode).toBe(1);
  const secretsDir = mkdtempSync(join(tmpdir(), 'fleetgate-it-secrets-'));
  try {
    writeFileSync(join(secretsDir, 'secrets.json'), JSON.stringify({ fleetgate_secrets: secrets }), { mode: 0o600 });
    const run = await timed('ansible-playbook, one node down, one refusing', () => execa('ansible-playbook', [
      '-i', ansibleInventories(fleet.inventoryFile).ini, 'fleet/gate.yml', '-e', `fleetgate_bundle=${bundle}`, '-e', `@${join(secretsDir, 'secrets.json')}`,
      '-e', `fleetgate_reports=${fromPlaybook}`, '-e', 'fleetgate_iterations=1',
    ], { cwd: ROOT, all: true, reject: false, env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True' } }));
    expect(run.exitCode, run.all).not.toBe(0);
  } finally {
    rmSync(secretsDir, { recursive: true, force: true });
  }
  for (const out of [fromFleet, fromPlaybook]) {
    const doc = fleetResults(out);
    expect(nodeStatus(doc), `${out}: ${JSON.stringify(doc.nodes.map((n) => n.reason))}`).toEqual([['arena-b1', 'unreachable'], ['arena-b2', 'fail'], ['arena-b3', 'pass']]);
    expect(doc.nodes[1]!.reason, out).toMatch(/exited 2.*somewhere-else/);
    expect(doc.nodes.every((n) => n.role === 'control-plane' && !n.reason?.includes('\n')), out).toBe(true);
    expect((await xmllint(join(out, 'junit.xml'))).exitCode).toBe(0);
  }
  for (const c of (await containersOf(fleet)).filter((name) => !name.includes('arena-b1'))) {
    expect((await execa('docker', ['exec', c, 'test', '-e', '/var/tmp/fleetgate'], { reject: false })).exitCode, c).toBe(1);
  }
});
