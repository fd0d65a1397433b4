// `npm run bench` (third part): the gate ON a reference node (a container without Node.js) and across the
// reference fleet. Figures only: cold start (unpack + first iteration), the gate's peak memory on the node
// for preflight against its 200 MiB target, and 3 nodes at concurrency 3 over 1 node (target <= 1.5).
// The ratio is measured twice. On this machine the three "nodes" share its cores, so CPU-bound work (unpack,
// Vitest's start) cannot overlap beyond them: that figure is printed as it is. The target is judged on a
// fleet whose nodes each get a fixed CPU share (docker --cpus), as separate machines would, in both the
// 1-node and the 3-node run: what is left is what the controller itself serialises.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { ArenaFleet, type StartedArenaFleet } from '../../reference/fleet.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MEMORY_TARGET_MIB = 200;
const RATIO_TARGET = 1.5;
const ON_NODE = '/var/tmp/fleetgate-bench';
const SECRET_NAMES = ['ARENA_DB_PASSWORD', 'ARENA_REDIS_PASSWORD'];
/** Each node's CPU share in the fleet the ratio target is judged on: three of them and the controller fit in 2 cores. */
const NODE_CPUS = 0.5;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

/** Peak resident memory (MiB) of the processes in a container whose command line names `marker`, sampled every ~100 ms. */
function sampleRss(container: string, marker: string): { stop(): Promise<number> } {
  let running = true;
  let peakKiB = 0;
  const loop = (async () => {
    while (running) {
      const { stdout } = await execa('docker', ['exec', container, 'ps', '-eo', 'rss=,args='], { reject: false });
      const total = String(stdout).split('\n').filter((l) => l.includes(marker)).reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
      peakKiB = Math.max(peakKiB, total);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { async stop() { running = false; await loop; return Math.round(peakKiB / 1024); } };
}

/** A started fleet's secrets, as the controller resolves them (exportSecrets writes them to the environment). */
function secretsOf(started: StartedArenaFleet): Record<string, string> {
  started.exportSecrets();
  return Object.fromEntries(SECRET_NAMES.map((n) => [n, process.env[n]!]));
}

const work = mkdtempSync(join(tmpdir(), 'fleetgate-bench-fleet-'));
const starts = await Promise.allSettled([
  new ArenaFleet().withRole('control-plane').withRunId(`bench-${process.pid}`).start(),
  new ArenaFleet().withRole('control-plane').withRunId(`bench-cpus-${process.pid}`).withNodeCpus(NODE_CPUS).start(),
]);
const [fleet, capped] = starts.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
if (!fleet || !capped) {
  await Promise.all([fleet?.stop(), capped?.stop()]);
  rmSync(work, { recursive: true, force: true });
  throw new Error(`the reference fleets did not start: ${starts.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : [])).join('; ')}`);
}
let failed = false;
try {
  const secrets = secretsOf(fleet);
  const built = await execa('./gate.sh', ['bundle', '--out', join(work, 'dist')], { cwd: ROOT, all: true, reject: false });
  if (built.exitCode !== 0) throw new Error(`./gate.sh bundle failed:\n${String(built.all).slice(-2000)}`);
  const tarball = readdirSync(join(work, 'dist')).filter((f) => f.endsWith('.tar.gz')).map((f) => join(work, 'dist', f))[0]!;
  const bundleDir = `${ON_NODE}/${basename(tarball, '.tar.gz')}`;

  // One node, by hand, as an operator would: copy in, unpack, run with the node's profile and secrets on stdin.
  const { stdout: names } = await execa('docker', ['ps', '--filter', `label=org.fleetgate.run=${fleet.runId}`, '--format', '{{.Names}}']);
  const container = names.split('\n').find((n) => n.includes('arena-b1'))!;
  await execa('docker', ['exec', container, 'mkdir', '-p', ON_NODE]);
  await execa('docker', ['cp', tarball, `${container}:${ON_NODE}/bundle.tar.gz`]);
  await execa('docker', ['cp', join(fleet.dir, 'profiles', 'arena-b1.yaml'), `${container}:${ON_NODE}/profile.yaml`]);
  const gateOnNode = (runWork: string): Promise<{ exitCode?: number; all?: string }> => execa('docker', [
    'exec', '-i', container, 'env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `FLEETGATE_WORK_DIR=${ON_NODE}/${runWork}`,
    `${bundleDir}/gate.sh`, '--profile', `${ON_NODE}/profile.yaml`, '--iterations', '1', '--suite', 'preflight', '--secrets-stdin', '--out', `${ON_NODE}/out-${runWork}`,
  ], { input: `${JSON.stringify({ secrets })}\n`, reject: false, all: true });

  const unpack = await timed(() => execa('docker', ['exec', container, 'tar', '-xzf', `${ON_NODE}/bundle.tar.gz`, '-C', ON_NODE]));
  const cold = await timed(() => gateOnNode('cold'));
  const sampler = sampleRss(container, bundleDir);
  const warm = await timed(() => gateOnNode('warm'));
  const peakMiB = await sampler.stop();
  for (const run of [cold, warm]) if (run.result.exitCode !== 0) throw new Error(`the gate on ${container} exited ${run.result.exitCode}:\n${String(run.result.all).slice(-1500)}`);
  await execa('docker', ['exec', container, 'rm', '-rf', ON_NODE]);

  // The fleet command: one node, then three at once, on each fleet.
  const fleetRun = (started: StartedArenaFleet, extra: string[]): Promise<{ ms: number; result: { exitCode?: number; all?: string } }> => timed(() => execa(process.execPath, [
    'cli/main.ts', 'fleet', '--inventory', started.inventoryFile, '--iterations', '1', '--bundle', tarball, '--out', join(work, `fleet-${started.runId}-${extra.join('-')}`), ...extra,
  ], { cwd: ROOT, reject: false, all: true, env: { ...secretsOf(started), FORCE_COLOR: '0' } }));
  const ratios: { label: string; one: number; three: number }[] = [];
  for (const [label, started] of [[`shared cores (${availableParallelism()} for all 3 nodes and the controller)`, fleet], [`each node ${NODE_CPUS} CPU, as its own machine`, capped]] as const) {
    const one = await fleetRun(started, ['--node', 'arena-b1']);
    const three = await fleetRun(started, ['--concurrency', '3']);
    for (const run of [one, three]) if (run.result.exitCode !== 0) throw new Error(`fleet run (${label}) exited ${run.result.exitCode}:\n${String(run.result.all).slice(-1500)}`);
    ratios.push({ label, one: one.ms, three: three.ms });
  }

  console.log(`\non a reference node (${container}: a container without Node.js), preflight, 1 iteration`);
  console.log(`  unpack (tar -xzf in the container)          ${seconds(unpack.ms).padStart(9)}`);
  console.log(`  first run: checksums + gate, empty caches   ${seconds(cold.ms).padStart(9)}`);
  console.log(`  cold start (unpack + first run)             ${seconds(unpack.ms + cold.ms).padStart(9)}`);
  console.log(`  second run: warm caches                     ${seconds(warm.ms).padStart(9)}`);
  console.log(`  peak memory of the gate's process tree      ${String(peakMiB).padStart(5)} MiB (target <= ${MEMORY_TARGET_MIB} MiB: ${peakMiB <= MEMORY_TARGET_MIB ? 'MET' : 'NOT MET'})`);
  console.log(`\nfleet wall time (./gate.sh fleet, preflight, 1 iteration, bundle shipped each run)`);
  ratios.forEach(({ label, one, three }, i) => {
    const ratio = three / one;
    const judged = i === ratios.length - 1;
    console.log(`  ${label}`);
    console.log(`    1 node                                    ${seconds(one).padStart(9)}`);
    console.log(`    3 nodes, concurrency 3                    ${seconds(three).padStart(9)}`);
    console.log(`    ratio 3 nodes / 1 node                    ${ratio.toFixed(2).padStart(7)}x${judged ? ` (target <= ${RATIO_TARGET}: ${ratio <= RATIO_TARGET ? 'MET' : 'NOT MET'})` : ' (CPU-bound work cannot overlap beyond the cores)'}`);
  });
} catch (error) {
  console.error(`fleet bench: ${(error as Error).message}`);
  failed = true;
} finally {
  await Promise.all([fleet.stop(), capped.stop()]);
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
