// `npm run bench` (second part): the bundle's size and its cold start on a node — unpack with system tar,
// then the first iteration with empty caches — and, for comparison, a warm second run. Figures, no targets
// except the size budget the issue sets (60 MB compressed), which only reports MET / NOT MET.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { measure, type Measured } from './process-tree.ts';
import type { Manifest } from '../../cli/bundle/manifest.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUDGET_BYTES = 60e6;
const CHECKS = 10;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function row(name: string, m: Measured): string {
  return `${name.padEnd(44)} ${seconds(m.wallMs).padStart(9)} ${String(m.peakRssMiB).padStart(6)} MiB   exit ${m.exitCode}`;
}

const dir = mkdtempSync(join(tmpdir(), 'fleetgate-bench-bundle-'));
try {
  const build = await measure(process.execPath, ['--disable-warning=ExperimentalWarning', 'cli/bundle/main.ts', '--out', join(dir, 'dist')], { cwd: ROOT });
  if (build.exitCode !== 0) throw new Error(`bundle build failed:\n${build.output.slice(-2000)}`);
  // main.ts prints the tarball's path alone on its first stdout line
  const tarball = build.output.split('\n').find((l) => l.startsWith('/') && l.endsWith('.tar.gz'))!;
  const name = basename(tarball, '.tar.gz');

  mkdirSync(join(dir, 'site/suites/bench'), { recursive: true });
  writeFileSync(join(dir, 'site/profile.yaml'), 'node: bench\nrole: control-plane\n');
  writeFileSync(join(dir, 'site/suites/bench/checks.spec.ts'), `import { existsSync } from 'node:fs';\nimport { test, expect } from 'fleetgate';\n\n${
    Array.from({ length: CHECKS }, (_, i) => `test('check ${i + 1}', () => {\n  expect(existsSync('/etc/hostname')).toBe(true);\n});`).join('\n\n')}\n`);

  const node = join(dir, 'node');
  mkdirSync(node);
  const unpack = await measure('tar', ['-xzf', tarball, '-C', node]);
  const gateArgs = (work: string): string[] => ['-i', 'PATH=/usr/bin:/bin', `FLEETGATE_WORK_DIR=${join(dir, work)}`, join(node, name, 'gate.sh'),
    '--profile', join(dir, 'site/profile.yaml'), '--suites', join(dir, 'site/suites'), '--suite', 'bench', '--iterations', '1', '--out', join(dir, `out-${work}`)];
  const cold = await measure('env', gateArgs('work'));
  const warm = await measure('env', gateArgs('work'));

  const manifest = JSON.parse(readFileSync(join(node, name, 'manifest.json'), 'utf8')) as Manifest;
  // what gate.sh's check costs: one sha256 over every file of the bundle
  const checksum = await measure('sha256sum', Object.keys(manifest.files), { cwd: join(node, name) });
  const unpacked = Number((await execa('du', ['-sb', join(node, name)])).stdout.split('\t')[0]);
  const bytes = statSync(tarball).size;
  console.log(`bundle ${basename(tarball)}: Node ${manifest.node}, ${manifest.fileCount} files, ${Object.keys(manifest.dependencies).length} packages`);
  console.log(`  compressed   ${(bytes / 1e6).toFixed(1)} MB (budget ${BUDGET_BYTES / 1e6} MB: ${bytes <= BUDGET_BYTES ? 'MET' : 'NOT MET'})`);
  console.log(`  unpacked     ${(unpacked / 1e6).toFixed(1)} MB, of which the Node runtime ${(statSync(join(node, name, 'runtime/node')).size / 1e6).toFixed(1)} MB`);
  console.log(`  build        ${seconds(build.wallMs)}\n`);
  console.log(`cold start on a node (${CHECKS} trivial checks, 1 iteration, wall time and peak memory of the process tree)`);
  console.log(row('unpack (tar -xzf)', unpack));
  console.log(row('first run: checksums + gate, empty caches', cold));
  console.log(row('  within it, the checksum check (sha256sum)', checksum));
  console.log(row('second run: warm caches', warm));
  console.log(`cold start (unpack + first run): ${seconds(unpack.wallMs + cold.wallMs)}`);
  if ([unpack, cold, warm, checksum].some((m) => m.exitCode !== 0)) {
    console.error(`a run failed:\n${[cold, warm].map((m) => m.output.slice(-1500)).join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
