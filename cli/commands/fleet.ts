// `./gate.sh fleet --inventory FILE …`: the gate on every node of a fleet, at once up to --concurrency:
// ship one bundle, run there with each node's profile, bring the reports back, merge them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseArgs } from '../parse-args.ts';
import { inTurns } from '../in-turns.ts';
import { EXIT } from '../exit-codes.ts';
import { positiveInt, runId } from '../options.ts';
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


/** An existing bundle (`--bundle FILE`, with FILE.sha256 beside it) or one built now for the whole fleet. */
async function bundleFor(requested: string | undefined, log: (line: string) => void): Promise<{ bundle: BundleFile; remove(): void }> {
  // FLEETGATE_BUNDLE: one bundle for many runs (npm run mutants builds it once).
  const given = requested ?? process.env.FLEETGATE_BUNDLE;
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

/** What one fleet run is: the inventory, the selection on each node, where reports go. */
export interface FleetSpec {
  /** The run id (default: a new one); the reference fleet's containers carry it too. */
  id?: string;
  inventory: string;
  iterations: number;
  concurrency?: number;
  roles?: readonly string[];
  nodes?: readonly string[];
  suites?: readonly string[];
  grep?: string;
  allowDestructive?: boolean;
  out?: string;
  bundle?: string;
  keep?: boolean;
  /** Set when an abort must also act at once (a second, deliberate stop request): remove what was started. */
  onExitNow?: () => void;
}

export interface FleetIO {
  write: (text: string) => void;
  tty: boolean;
}

/** One stop request may arrive twice (process and group); a later, deliberate one means "now". */
const SAME_REQUEST_MS = 1_000;

/** Run the gate on every node of the inventory; returns the fleet's exit code. Bad input is exit 2 before anything is touched. */
export async function runFleet(spec: FleetSpec, { write, tty }: FleetIO): Promise<number> {
  const log = (line: string): void => write(`${redact(line)}\n`);
  const id = spec.id ?? runId();
  let prepared: NodeProfile[];
  try {
    const inventory = loadInventory(spec.inventory, { roles: spec.roles ?? [], nodes: spec.nodes ?? [] });
    prepared = inventory.nodes.map((node) => prepareNodeProfile(node));
  } catch (error) {
    if (error instanceof InventoryError) {
      process.stderr.write(`fleetgate: ${redact(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const concurrency = spec.concurrency ?? Math.min(8, prepared.length);

  const reportsDir = join(ROOT, 'reports');
  const out = resolve(spec.out ?? join(reportsDir, `fleet-${id}`));
  const stop = new AbortController();
  let aborted: string | null = null;
  let firstAt = 0;
  const onSignal = (signal: string) => (): void => {
    if (aborted) {
      if (Date.now() - firstAt < SAME_REQUEST_MS) return;
      log(`fleetgate: ${signal} again: exiting now; what was started is removed`);
      spec.onExitNow?.();
      process.exit(EXIT.aborted);
    }
    firstAt = Date.now();
    aborted = `${signal}: the nodes were told to stop; partial reports kept`;
    log(`fleetgate: ${signal}: stopping every node (they write partial reports, which are still fetched; signal again to exit now)`);
    stop.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const startedAt = new Date().toISOString();
  let removeBundle = (): void => undefined;
  try {
    const { bundle, remove } = await bundleFor(spec.bundle, log);
    removeBundle = remove;
    const gateArgs = [
      '--iterations', String(spec.iterations),
      ...(spec.suites ?? []).flatMap((s) => ['--suite', s]),
      ...(spec.grep ? ['--grep', spec.grep] : []),
      ...(spec.allowDestructive ? ['--allow-destructive'] : []),
    ];
    log(`fleetgate fleet: ${prepared.length} node(s), ${spec.iterations} iteration(s) each, ${concurrency} at a time`);
    const progress = new FleetProgress(prepared.map((p) => p.node.name), write, tty);
    const nodes: NodeReport[] = await inTurns(prepared, concurrency, (p) => runOnNode(p, {
      bundle, runId: id, gateArgs, reportsDir: join(out, 'nodes'), keep: Boolean(spec.keep), signal: stop.signal,
      onStage: (stage) => progress.stage(p.node.name, stage),
      onEvent: (event) => progress.event(p.node.name, event),
    }));
    progress.finish();
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of nodes) if (n.dir) n.dir = `nodes/${n.name}`;
    const exitCode = writeFleetReports(out, { id, iterations: spec.iterations, startedAt, finishedAt: new Date().toISOString(), aborted }, nodes);
    const latestNote = linkLatest(reportsDir, out);
    log('');
    for (const line of matrixLines(nodes, false)) log(line);
    log('');
    log(`fleet report: ${out}`);
    if (latestNote) log(latestNote);
    return exitCode;
  } finally {
    removeBundle();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** `./gate.sh fleet …`: parse, then runFleet. */
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
  const parsed = parseArgs(program, ['node', 'gate.sh', ...argv]);
  if (parsed !== undefined) return parsed;
  const options = program.opts<FleetOptions>();
  let iterations: number;
  let concurrency: number | undefined;
  try {
    iterations = positiveInt(options.iterations, '--iterations');
    concurrency = options.concurrency ? positiveInt(options.concurrency, '--concurrency') : undefined;
  } catch (error) {
    process.stderr.write(`fleetgate: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  return runFleet({
    inventory: options.inventory, iterations, ...(concurrency ? { concurrency } : {}),
    roles: options.role ?? [], nodes: options.node ?? [], suites: options.suite ?? [],
    ...(options.grep ? { grep: options.grep } : {}), allowDestructive: Boolean(options.allowDestructive),
    ...(options.out ? { out: options.out } : {}), ...(options.bundle ? { bundle: options.bundle } : {}), keep: Boolean(options.keep),
  }, { write, tty });
}
