// `./gate.sh fleet --inventory FILE …`: the gate on every node of a fleet, at once up to --concurrency:
// ship one bundle, run there with each node's profile, bring the reports back, merge them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { runId } from '../options.ts';
import { ROOT } from '../../vitest.workspace.ts';
import { redact } from '../../helpers/redact.ts';
import { InventoryError, loadInventory } from '../fleet/inventory/index.ts';
import { prepareNodeProfile, type NodeProfile } from '../fleet/node-profile.ts';
import { runOnNode, type BundleFile } from '../fleet/run-node.ts';
import { FleetProgress } from '../fleet/fleet-progress.ts';
import { matrixLines, writeFleetReports } from '../fleet/fleet-report.ts';
import type { NodeReport } from '../fleet/node-report.ts';
import { linkLatest } from '../report/write.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface FleetOptions {
  inventory: string;
  iterations: string;
  concurrency?: string;
  role?: string[];
  node?: string[];
  suite?: string[];
  grep?: string;
  allowDestructive?: boolean;
  out?: string;
  bundle?: string;
  keep?: boolean;
}

function positive(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InventoryError(flag, '', `must be a whole number >= 1, got "${value}"`);
  return Number(value);
}

/** An existing bundle (`--bundle FILE`, with FILE.sha256 beside it) or one built now for the whole fleet. */
async function bundleFor(given: string | undefined, log: (line: string) => void): Promise<{ bundle: BundleFile; remove(): void }> {
  if (given) {
    const file = resolve(given);
    if (!existsSync(file) || !existsSync(`${file}.sha256`)) throw new InventoryError(given, '', 'no such bundle, or no .sha256 beside it (build one with ./gate.sh bundle)');
    return { bundle: { file, sha256: readFileSync(`${file}.sha256`, 'utf8').split(/\s/)[0]!, entry: 'gate.sh' }, remove: () => undefined };
  }
  const { buildBundle } = await import('../bundle/build.ts');
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-fleet-bundle-'));
  log('building the bundle for this fleet');
  const built = await buildBundle({ root: ROOT, role: 'all', outDir: dir, log });
  return { bundle: { file: built.tarball, sha256: built.sha256, entry: 'gate.sh' }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run fn over items, at most `limit` at once. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function fleet(argv: readonly string[], write: (text: string) => void, tty: boolean): Promise<number> {
  const program = new Command('gate.sh fleet')
    .description('Run the gate ON every node of an inventory (fleetgate YAML, Ansible INI or YAML) and merge the results.')
    .requiredOption('--inventory <file>', 'the fleet: fleetgate YAML (nodes:), or an Ansible inventory (groups are roles; host var fleetgate_profile)')
    .option('--iterations <n>', 'iterations on each node', '5')
    .option('--concurrency <k>', 'nodes at once (default: all, at most 8)')
    .option('--role <role>', 'only nodes of this role, repeatable', collect)
    .option('--node <name>', 'only this node, repeatable', collect)
    .option('--suite <name>', 'suite to run on each node, repeatable (default: preflight)', collect)
    .option('--grep <text>', 'only criteria whose full name matches')
    .option('--allow-destructive', 'also run criteria tagged destructive')
    .option('--out <dir>', 'fleet report directory (default: reports/fleet-<run-id>)')
    .option('--bundle <file>', 'ship this bundle (default: build one now)')
    .option('--keep', 'leave the unpacked bundle on the nodes for the next run (reports and secrets are never left)')
    .showHelpAfterError('(see ./gate.sh fleet --help)')
    .exitOverride();
  const log = (line: string): void => write(`${redact(line)}\n`);
  let options: FleetOptions;
  try {
    program.parse(argv, { from: 'user' });
    options = program.opts<FleetOptions>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    throw error;
  }

  const id = runId();
  let prepared: NodeProfile[];
  let iterations: number;
  let concurrency: number;
  try {
    iterations = positive(options.iterations, '--iterations');
    const inventory = loadInventory(options.inventory, { roles: options.role ?? [], nodes: options.node ?? [] });
    prepared = inventory.nodes.map((node) => prepareNodeProfile(node));
    concurrency = options.concurrency ? positive(options.concurrency, '--concurrency') : Math.min(8, prepared.length);
  } catch (error) {
    if (error instanceof InventoryError) {
      process.stderr.write(`fleetgate: ${redact(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }

  const reportsDir = join(ROOT, 'reports');
  const out = resolve(options.out ?? join(reportsDir, `fleet-${id}`));
  const stop = new AbortController();
  let aborted: string | null = null;
  const onSignal = (signal: string) => (): void => {
    if (aborted) return;
    aborted = `${signal}: the nodes were told to stop; partial reports kept`;
    log(`fleetgate: ${signal}: stopping every node (they write partial reports, which are still fetched)`);
    stop.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const startedAt = new Date().toISOString();
  const { bundle, remove } = await bundleFor(options.bundle, log);
  try {
    const gateArgs = [
      '--iterations', String(iterations),
      ...(options.suite ?? []).flatMap((s) => ['--suite', s]),
      ...(options.grep ? ['--grep', options.grep] : []),
      ...(options.allowDestructive ? ['--allow-destructive'] : []),
    ];
    log(`fleetgate fleet: ${prepared.length} node(s), ${iterations} iteration(s) each, ${concurrency} at a time`);
    const progress = new FleetProgress(prepared.map((p) => p.node.name), write, tty);
    const nodes: NodeReport[] = await pool(prepared, concurrency, (p) => runOnNode(p, {
      bundle, runId: id, gateArgs, reportsDir: join(out, 'nodes'), keep: Boolean(options.keep), signal: stop.signal,
      onStage: (stage) => progress.stage(p.node.name, stage),
      onEvent: (event) => progress.event(p.node.name, event),
    }));
    progress.finish();
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of nodes) if (n.dir) n.dir = `nodes/${n.name}`;
    const exitCode = writeFleetReports(out, { id, iterations, startedAt, finishedAt: new Date().toISOString(), aborted }, nodes);
    linkLatest(reportsDir, out);
    log('');
    for (const line of matrixLines(nodes, false)) log(line);
    log('');
    log(`fleet report: ${out}`);
    return exitCode;
  } finally {
    remove();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
