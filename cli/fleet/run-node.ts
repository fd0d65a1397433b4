// One node of a fleet: reach it, ship the bundle (unless that checksum is already there), run the gate
// there with the node's profile, bring its report back, and remove what was shipped.
import { join } from 'node:path';
import { redact } from '../../helpers/redact.ts';
import { parseProgressEvent, type ProgressEvent } from '../report/progress.ts';
import { failedReport, readNodeReport, reportOf, unreachableReport, type NodeReport } from './node-report.ts';
import type { NodeProfile } from './node-profile.ts';
import { transportFor, UnreachableError, type Transport } from './transport/index.ts';
import { lastLine } from './transport/spawn.ts';

/** Everything fleetgate puts on a node lives here, and is removed after the run (bundles unless --keep). */
export const REMOTE_ROOT = '/var/tmp/fleetgate';
/** Debian's default PATH: the node's own tools (often in /usr/local/bin) must be found, no Node is needed. */
const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BundleFile {
  file: string;
  sha256: string;
  /** The gate's entry inside the extracted bundle, e.g. `gate.sh`. */
  entry: string;
}

export type NodeStage = 'connecting' | 'shipping' | 'running' | 'fetching' | 'cleaning up' | 'done';

export interface NodeRunOptions {
  bundle: BundleFile;
  runId: string;
  /** Gate options for the node: --iterations, --suite, --grep, --allow-destructive … */
  gateArgs: readonly string[];
  /** The node's report lands in <reportsDir>/<node>. */
  reportsDir: string;
  keep: boolean;
  /** Aborting closes the gate's stdin: it stops, writes partial reports, and they are still fetched. */
  signal: AbortSignal;
  sshOptions?: readonly string[];
  onStage(stage: NodeStage): void;
  onEvent(event: ProgressEvent): void;
}

function remoteBundleDir(bundle: BundleFile): string {
  return `${REMOTE_ROOT}/bundles/${bundle.sha256.slice(0, 16)}`;
}

async function sh(transport: Transport, script: string, what: string): Promise<string> {
  const result = await transport.exec(['sh', '-c', script]);
  if (result.exitCode !== 0) throw new Error(`${transport.target}: ${what} failed (exit ${result.exitCode}): ${lastLine(result.stderr || result.stdout)}`);
  return result.stdout;
}

/** Ship and unpack the bundle once per checksum; the unpacked tree is read-only, like a package. */
async function ship(transport: Transport, bundle: BundleFile): Promise<string> {
  const dir = remoteBundleDir(bundle);
  const present = await transport.exec(['test', '-f', `${dir}/.complete`]);
  if (present.exitCode === 0) return dir;
  const incoming = `${REMOTE_ROOT}/incoming/${bundle.sha256}.tar.gz`;
  await transport.put(bundle.file, incoming);
  await sh(transport, [
    `rm -rf ${dir}`, `mkdir -p ${dir}`, `tar -xzf ${incoming} -C ${dir} --strip-components=1`, `rm -f ${incoming}`,
    `touch ${dir}/.complete`, `chmod -R a-w ${dir}`,
  ].join(' && '), 'unpacking the bundle');
  return dir;
}

async function cleanUp(transport: Transport, runDir: string, bundle: BundleFile, keep: boolean): Promise<void> {
  const dirs = [runDir, ...(keep ? [] : [remoteBundleDir(bundle)])];
  await sh(transport, `for d in ${dirs.join(' ')}; do [ -e "$d" ] && chmod -R u+w "$d"; rm -rf "$d"; done; rmdir ${REMOTE_ROOT}/bundles ${REMOTE_ROOT}/runs ${REMOTE_ROOT}/incoming ${REMOTE_ROOT} 2>/dev/null; true`, 'removing what was shipped');
}

export async function runOnNode({ node, secrets }: NodeProfile, options: NodeRunOptions): Promise<NodeReport> {
  const transport = transportFor(node.reach, options.sshOptions);
  const runDir = `${REMOTE_ROOT}/runs/${options.runId}-${node.name}`;
  const localDir = join(options.reportsDir, node.name);
  let shipped = false;
  try {
    options.onStage('connecting');
    await transport.check();
    options.onStage('shipping');
    shipped = true;
    const bundleDir = await ship(transport, options.bundle);
    await transport.put(node.profile, `${runDir}/profile.yaml`);
    options.onStage('running');
    const stderrTail: string[] = [];
    const result = await transport.exec([
      // A clean environment: nothing of the login's leaks in, and secrets come over stdin only.
      'env', '-i', `PATH=${NODE_PATH}`, 'FLEETGATE_PROGRESS=jsonl', `FLEETGATE_WORK_DIR=${runDir}/work`,
      `${bundleDir}/${options.bundle.entry}`, '--profile', `${runDir}/profile.yaml`, '--out', `${runDir}/report`, '--secrets-stdin', '--stop-on-stdin-eof', ...options.gateArgs,
    ], {
      input: `${JSON.stringify({ secrets })}\n`,
      holdStdinUntil: options.signal,
      onLine: (line) => {
        const event = parseProgressEvent(line);
        if (event) options.onEvent(event);
        else if (line.trim()) stderrTail.push(line);
      },
    });
    options.onStage('fetching');
    const fetched = await transport.exec(['test', '-f', `${runDir}/report/results.json`]);
    if (fetched.exitCode !== 0) {
      // The gate refused before running (a profile pinned elsewhere, a bad vars value…): say its words.
      const why = lastLine(result.stderr || stderrTail.join('\n') || result.stdout);
      return failedReport(node.name, node.role, redact(`the gate on ${node.name} exited ${result.exitCode} without a report: ${why}`));
    }
    await transport.get(`${runDir}/report`, localDir);
    return reportOf(readNodeReport(localDir), node.name);
  } catch (error) {
    if (error instanceof UnreachableError) return unreachableReport(node.name, node.role, redact(error.message));
    return failedReport(node.name, node.role, redact((error as Error).message.split('\n')[0]!));
  } finally {
    options.onStage('cleaning up');
    if (shipped) await cleanUp(transport, runDir, options.bundle, options.keep).catch(() => undefined);
    await transport.close();
    options.onStage('done');
  }
}
