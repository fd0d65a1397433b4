// The bundle as a node gets it: built once, checked for size and content, unpacked read-only and run with
// no Node on the PATH (here, then in a container of the reference base image), and refused when damaged.
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Manifest } from '../../cli/bundle/manifest.ts';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { FIXTURES, ROOT } from './gate-cli.ts';
import { NOBODY, TRIPWIRE, buildBundle, removeTempDirs, runOnNode, tempDir, unpack, type Run } from './bundle-node.ts';

const MAX_BYTES = 60e6;
const SECRET = 'bundle-test-secret';
const PROFILE = 'local.yaml';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let tarball = '';
let bundleName = '';
/** A read-only extraction of the bundle, and what the node holds beside it (profile, operator suites). */
let bundleDir = '';
let site = '';

beforeAll(async () => {
  const dist = tempDir('fleetgate-dist-');
  const built = await buildBundle(dist);
  expect(built.run.exitCode, built.run.all).toBe(0);
  tarball = built.tarball;
  bundleName = basename(tarball, '.tar.gz');
  const into = tempDir('fleetgate-node-');
  expect((await unpack(tarball, into)).exitCode).toBe(0);
  bundleDir = join(into, bundleName);
  await execa('chmod', ['-R', 'a-w', into]);
  site = tempDir('fleetgate-site-');
  copyFileSync(join(FIXTURES, 'profiles', PROFILE), join(site, PROFILE));
  cpSync(join(FIXTURES, 'operator-suites'), join(site, 'suites'), { recursive: true });
}, 300_000);

afterAll(removeTempDirs);

function manifest(dir = bundleDir): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

function results(out: string): ResultsDocument {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
}

function verdicts(doc: ResultsDocument): Record<string, string> {
  return Object.fromEntries(doc.criteria.map((c) => [c.title, c.verdict]));
}

describe('the tarball', () => {
  test(`is named fleetgate-<version>-all-linux-<arch>.tar.gz, at most ${MAX_BYTES / 1e6} MB, with a .sha256 beside it`, async () => {
    expect(bundleName).toBe(`fleetgate-${pkg.version}-all-linux-${process.arch}`);
    expect(statSync(tarball).size).toBeLessThanOrEqual(MAX_BYTES);
    const check = await execa('sha256sum', ['-c', `${bundleName}.tar.gz.sha256`], { cwd: join(tarball, '..'), reject: false, all: true });
    expect(check.exitCode, check.all).toBe(0);
  });

  test('lists manifest.json and gate.sh first, so a partly unpacked download still refuses to run', async () => {
    const { stdout } = await execa('tar', ['-tzf', tarball]);
    expect(stdout.split('\n').slice(0, 2)).toEqual([`${bundleName}/manifest.json`, `${bundleName}/gate.sh`]);
  });

  test('its manifest names the version, commit, Node 24, the dependency versions, a checksum per file, the build time', async () => {
    const m = manifest();
    const head = (await execa('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim();
    expect(m).toMatchObject({ name: 'fleetgate', version: pkg.version, role: 'all', platform: 'linux', arch: process.arch, commit: head });
    expect(m.node).toMatch(/^24\./);
    expect(Date.now() - Date.parse(m.builtAt)).toBeLessThan(3_600_000);
    expect(m.dependencies).toMatchObject({ vitest: expect.stringMatching(/^5\./), vite: expect.any(String), pg: expect.any(String), '@rolldown/binding-linux-x64-gnu': expect.any(String) });
    expect(Object.keys(m.files)).toHaveLength(m.fileCount);
    expect(Object.keys(m.files)).toEqual(expect.arrayContaining(['runtime/node', 'gate.sh', 'package.json', 'cli/main.ts', 'helpers/index.ts', 'suites/preflight/health.spec.ts']));
    for (const sum of Object.values(m.files)) expect(sum).toMatch(/^[0-9a-f]{64}$/);
  });

  // dockerode does ship, with what it loads (docker-modem, and gRPC and protobuf for its BuildKit sessions): the `docker`
  // fixture reads Docker facts on the node.
  test('holds no dependency the node never runs: testcontainers, TypeScript, type packages, the packer and tracer', () => {
    const packages = Object.keys(manifest().dependencies);
    expect(packages).toContain('dockerode');
    const pruned = /^(testcontainers|typescript|@typescript\/.*|@types\/.*|@vercel\/nft|tar)$/;
    expect(packages.filter((p) => pruned.test(p))).toEqual([]);
    expect(Object.keys(manifest().files).filter((f) => /^node_modules\/(testcontainers|typescript|@types)\//.test(f))).toEqual([]);
  });
});

test('--role must be a role name (any the operator chose): exit 2, nothing written', async () => {
  const dist = tempDir('fleetgate-dist-');
  const { run, tarball: none } = await buildBundle(dist, ['--role', 'Control Plane']);
  expect(run.exitCode).toBe(2);
  expect(run.all).toMatch(/--role: "Control Plane" is not a role name \(lower-case letters, digits, \. _ -\)/);
  expect(none).toBe('');
});

describe('on a node: read-only, env -i PATH=/usr/bin:/bin, no Node on the PATH, as nobody', () => {
  let out = '';
  let run: Run;
  beforeAll(async () => {
    out = tempDir('fleetgate-out-', true);
    run = await runOnNode(bundleDir, ['--profile', join(site, PROFILE), '--suite', 'preflight', '--iterations', '2', '--out', out], { FLEETGATE_TEST_SECRET: SECRET, FLEETGATE_WORK_DIR: join(tempDir('fleetgate-work-', true), 'w') });
  }, 120_000);

  test('the bundled preflight runs against the profile: exit 1, the unreachable database broken and blocked', () => {
    expect(run.all).not.toContain(TRIPWIRE);
    expect(run.exitCode, run.all).toBe(1);
    const doc = results(out);
    expect(doc.run).toMatchObject({ node: 'test-node', iterations: 2, completedIterations: 2, exitCode: 1 });
    expect(verdicts(doc)).toEqual({
      'postgres nowhere-db answers a query within 500 ms': 'broken',
      'database nowhere-db has every expected table after bootstrap': 'blocked',
    });
  });

  test("an operator's suites import fleetgate by name; specs run on the bundle's Node 24; reports default to the work dir", async () => {
    const work = join(tempDir('fleetgate-work-', true), 'w');
    const second = await runOnNode(bundleDir, ['--profile', join(site, PROFILE), '--suites', join(site, 'suites'), '--no-builtin-suites', '--iterations', '2'], { FLEETGATE_TEST_SECRET: SECRET, FLEETGATE_WORK_DIR: work });
    expect(second.all).not.toContain(TRIPWIRE);
    expect(second.exitCode, second.all).toBe(0);
    const doc = results(join(work, 'reports/latest'));
    expect(verdicts(doc)).toEqual({
      'fleetgate resolves by name and reads the profile': 'pass',
      'specs run on Node 24 from the bundle': 'pass',
      'a spec can run a command of the node': 'pass',
    });
    expect(JSON.stringify(doc)).toContain(`${bundleDir}/runtime/node v24.`);
    // caches and temporary files went to the work dir, nothing into the bundle
    expect(statSync(join(work, 'vitest-cache')).isDirectory()).toBe(true);
    expect(statSync(join(work, 'vite')).isDirectory()).toBe(true);
  }, 120_000);

  test('without --profile a bundle says what it needs: exit 2, one line', async () => {
    const bare = await runOnNode(bundleDir, ['--iterations', '1']);
    expect(bare.exitCode).toBe(2);
    expect(bare.all.trim().split('\n')).toEqual([expect.stringMatching(/^fleetgate: a bundle runs the gate against the node it is on: give --profile FILE/)]);
  }, 60_000);
});

describe('in a container of the reference base image (no Node.js in it)', () => {
  const name = `fleetgate-bundle-test-${process.pid}`;
  afterAll(async () => {
    await execa('docker', ['rm', '-f', name], { reject: false });
  });

  test('docker cp + docker exec: the bundled gate runs preflight there, exit 1 as on the host', async () => {
    await ensureReferenceImages();
    const [base] = (await execa('docker', ['images', 'fleetgate/arena-base', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n');
    expect(base).toMatch(/^fleetgate\/arena-base:/);
    await execa('docker', ['run', '-d', '--name', name, '--label', 'org.fleetgate.test=bundle', '--network', 'none', base!, 'sleep', 'infinity']);
    const exec = (args: string[], user = '0') => execa('docker', ['exec', '-u', user, name, ...args], { reject: false, all: true });
    expect((await exec(['sh', '-c', 'command -v node nodejs'])).exitCode).not.toBe(0);
    await execa('docker', ['cp', tarball, `${name}:/opt/`]);
    await execa('docker', ['cp', join(site, PROFILE), `${name}:/opt/${PROFILE}`]);
    expect((await exec(['sh', '-c', `cd /opt && tar -xzf ${bundleName}.tar.gz && chmod -R a-w ${bundleName} && mkdir /opt/out && chown ${NOBODY} /opt/out`])).exitCode).toBe(0);
    const run = await exec(['env', '-i', 'PATH=/usr/bin:/bin', `FLEETGATE_TEST_SECRET=${SECRET}`, `/opt/${bundleName}/gate.sh`, '--profile', `/opt/${PROFILE}`, '--suite', 'preflight', '--iterations', '2', '--out', '/opt/out'], String(NOBODY));
    expect(run.exitCode, run.all).toBe(1);
    const doc = JSON.parse((await exec(['cat', '/opt/out/results.json'])).stdout) as ResultsDocument;
    expect(doc.run).toMatchObject({ completedIterations: 2, exitCode: 1 });
    expect(verdicts(doc)).toEqual({
      'postgres nowhere-db answers a query within 500 ms': 'broken',
      'database nowhere-db has every expected table after bootstrap': 'blocked',
    });
    // Vite's and Vitest's caches went to the default work dir, not into the bundle
    expect((await exec(['sh', '-c', `test -d /var/tmp/fleetgate-${NOBODY}/vitest-cache && test ! -e /opt/${bundleName}/node_modules/.vite`])).exitCode).toBe(0);
  }, 600_000);
});

describe('a damaged bundle is refused before anything runs: exit 3, one line', () => {
  async function writableCopy(): Promise<string> {
    const into = tempDir('fleetgate-damaged-');
    expect((await unpack(tarball, into)).exitCode).toBe(0);
    return join(into, bundleName);
  }

  function refusal(run: Run): string {
    expect(run.exitCode, run.all).toBe(3);
    const lines = run.all.trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  test('one byte appended to a bundled file', async () => {
    const dir = await writableCopy();
    appendFileSync(join(dir, 'helpers/index.ts'), ' ');
    const line = refusal(await runOnNode(dir, ['--profile', join(site, PROFILE)]));
    expect(line).toBe(`fleetgate: bundle ${dir} is damaged or was changed: helpers/index.ts does not match its checksum (1 of ${manifest().fileCount} files); nothing was run (unpack it again from a tarball that passes sha256sum -c)`);
  }, 60_000);

  test('a bundled file missing', async () => {
    const dir = await writableCopy();
    rmSync(join(dir, 'node_modules/vitest/package.json'));
    expect(refusal(await runOnNode(dir, ['--profile', join(site, PROFILE)]))).toContain('node_modules/vitest/package.json is missing (1 of');
  }, 60_000);

  test('a manifest cut short (it could otherwise vouch for fewer files)', async () => {
    const dir = await writableCopy();
    const file = join(dir, 'manifest.json');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.slice(0, lines.length - 10).join('\n'));
    expect(refusal(await runOnNode(dir, ['--profile', join(site, PROFILE)]))).toMatch(/is damaged or was changed: manifest\.json is incomplete; nothing was run/);
  }, 60_000);

  test('a truncated tarball: sha256sum -c and tar both fail, and what tar left behind refuses to run', async () => {
    const dir = tempDir('fleetgate-truncated-');
    const cut = join(dir, basename(tarball));
    copyFileSync(tarball, cut);
    copyFileSync(`${tarball}.sha256`, `${cut}.sha256`);
    truncateSync(cut, Math.floor(statSync(tarball).size / 2));
    const sum = await execa('sha256sum', ['-c', `${basename(cut)}.sha256`], { cwd: dir, reject: false, all: true, env: { LC_ALL: 'C' } });
    expect(sum.exitCode).not.toBe(0);
    expect(sum.all).toContain('FAILED');
    const into = join(dir, 'node');
    mkdirSync(into);
    const untar = await unpack(cut, into);
    expect(untar.exitCode).not.toBe(0);
    expect(untar.all).toMatch(/unexpected end of file|Unexpected EOF/i);
    const line = refusal(await runOnNode(join(into, bundleName), ['--profile', join(site, PROFILE)]));
    expect(line).toMatch(/^fleetgate: bundle .* is damaged or was changed: .+ (is missing|does not match its checksum) \(\d+ of \d+ files\); nothing was run/);
  }, 60_000);
});
