// `npm run bench`: the gate running 50 trivial criteria x 5 iterations, next to bats (Debian's 1.8)
// running the same 50 checks 5 times, in one run on this machine. Figures are ratios, not absolutes:
// the machine is shared and noisy. Target: gate wall time at most 0.26x bats' (aim: 0.2x).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measure, type Measured } from './process-tree.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const GATE = join(ROOT, 'gate.sh');
const CHECKS = 50;
const ITERATIONS = 5;
const TARGET = 0.26;
/** Rounds alternate bats and the gate; the medians are compared, so one noisy moment cannot decide. */
const ROUNDS = 3;

function writeWorkload(dir: string): void {
  mkdirSync(join(dir, 'suites/bench'), { recursive: true });
  const ts = Array.from({ length: CHECKS }, (_, i) =>
    `test('check ${i + 1}: /etc/hostname exists and ${i} + 1 is ${i + 1}', () => {\n  expect(existsSync('/etc/hostname')).toBe(true);\n  expect(${i} + 1).toBe(${i + 1});\n});`);
  writeFileSync(join(dir, 'suites/bench/checks.spec.ts'),
    `import { existsSync } from 'node:fs';\nimport { test, expect } from '${ROOT}/helpers/index.ts';\n\n${ts.join('\n\n')}\n`);
  const bats = Array.from({ length: CHECKS }, (_, i) =>
    `@test "check ${i + 1}: /etc/hostname exists and ${i} + 1 is ${i + 1}" {\n  [ -e /etc/hostname ]\n  [ $((${i} + 1)) -eq ${i + 1} ]\n}`);
  writeFileSync(join(dir, 'checks.bats'), `${bats.join('\n\n')}\n`);
  writeFileSync(join(dir, 'profile.yaml'), 'node: bench\nrole: control-plane\n');
  writeFileSync(join(dir, 'bats-5x.sh'), `set -e\nfor i in $(seq ${ITERATIONS}); do bats --tap "${join(dir, 'checks.bats')}" >/dev/null; done\n`);
}

function row(name: string, m: Measured): string {
  return `${name.padEnd(34)} ${(m.wallMs / 1000).toFixed(2).padStart(8)} s ${String(m.peakRssMiB).padStart(8)} MiB   exit ${m.exitCode}`;
}

function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'fleetgate-bench-'));
try {
  writeWorkload(dir);
  // As an operator runs it: through gate.sh (which also turns on Node's compile cache).
  const gateArgs = ['--profile', join(dir, 'profile.yaml'), '--suites', join(dir, 'suites'), '--no-builtin-suites', '--suite', 'bench', '--iterations', String(ITERATIONS), '--out', join(dir, 'out')];
  // Warm both once (file cache, Vite's dependency scan) so neither pays a first-run cost the other does not.
  await measure(GATE, [...gateArgs.slice(0, -2), '--iterations', '1', '--out', join(dir, 'warm')], { cwd: ROOT });
  await measure('bats', ['--tap', join(dir, 'checks.bats')]);

  const rounds: { bats: Measured; gate: Measured }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    rounds.push({ bats: await measure('bash', [join(dir, 'bats-5x.sh')]), gate: await measure(GATE, gateArgs, { cwd: ROOT }) });
  }
  const failed = rounds.flatMap((r) => [r.bats, r.gate]).find((m) => m.exitCode !== 0);
  if (failed) {
    console.error(`a run failed:\n${failed.output.slice(-2000)}`);
    process.exitCode = 1;
  }
  const bats = median(rounds.map((r) => r.bats));
  const gate = median(rounds.map((r) => r.gate));
  const ratio = gate.wallMs / bats.wallMs;
  console.log(`${CHECKS} checks x ${ITERATIONS} iterations, wall time and peak memory of the whole process tree`);
  console.log(`median of ${ROUNDS} alternating rounds (wall s per round: bats ${rounds.map((r) => (r.bats.wallMs / 1000).toFixed(2)).join(', ')}; gate ${rounds.map((r) => (r.gate.wallMs / 1000).toFixed(2)).join(', ')})\n`);
  console.log(row('bats 1.8 (5 runs)', bats));
  console.log(row('fleetgate gate (--iterations 5)', gate));
  console.log(`\nwall-time ratio gate/bats: ${ratio.toFixed(2)}x (target <= ${TARGET}x) ${ratio <= TARGET ? 'MET' : 'NOT MET'}`);
  console.log(`memory ratio gate/bats: ${(gate.peakRssMiB / Math.max(1, bats.peakRssMiB)).toFixed(1)}x`);
  if (ratio > TARGET) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
