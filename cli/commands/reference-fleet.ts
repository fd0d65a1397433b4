// `./gate.sh` with no --profile: the embedded reference fleet — node A (registry), node B and two more
// control-plane nodes, node C (vpn), containers without Node.js — started for the run; the bundle is shipped into each (docker and
// ssh) and the gate runs ON them; the reports merge; every container goes, whatever happens.
import { EXIT, UsageError } from '../exit-codes.ts';
import type { GateOptions } from '../options.ts';
import { redact } from '../../helpers/redact.ts';
import { removeRunNow } from '../../reference/run-containers.ts';
import { REFERENCE_ROLES } from '../../reference/node-kinds.ts';
import { NODE_B_ROLE } from '../../reference/profiles/node-b.ts';
import { runFleet, type FleetIO } from './fleet.ts';
import { placeholderReferenceTarget } from '../gate/target.ts';
import { requireCriteria } from '../gate/selected.ts';

export async function runReferenceFleet(options: GateOptions, id: string, io: FleetIO): Promise<number> {
  if (options.role && !REFERENCE_ROLES.includes(options.role)) {
    throw new UsageError(`--role ${options.role}: the embedded reference fleet has no ${options.role} node (its roles: ${REFERENCE_ROLES.join(', ')}); give --profile for a ${options.role} node`);
  }
  if (options.suitesDirs.some((s) => s.label !== 'suites')) {
    throw new UsageError('--suites runs an operator\'s specs against the operator\'s node: give --profile (or ./gate.sh fleet --inventory) with it');
  }
  // Nothing selected is decided before any node starts, against node B's profile shape.
  const collection = await placeholderReferenceTarget();
  try {
    await requireCriteria({ role: NODE_B_ROLE, suitesDirs: options.suitesDirs, suites: options.suites, ...(options.grep ? { grep: options.grep } : {}), allowDestructive: options.allowDestructive });
  } finally {
    await collection.release();
  }
  const log = (line: string): void => io.write(`${redact(line)}\n`);
  // Loaded only when needed: testcontainers is slow to import.
  const { ArenaFleet } = await import('../../reference/fleet.ts');
  // A stop request while the nodes start: remove them (the next run would reap them otherwise).
  const early = (): void => {
    removeRunNow(id);
    process.exit(EXIT.aborted);
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  let fleet;
  try {
    // --role starts only that role's nodes: a registry check needs no control-plane nodes.
    const builder = new ArenaFleet().withRunId(id);
    if (options.role) builder.withRole(options.role);
    fleet = await builder.withMutant(process.env.ARENA_MUTANT, process.env.ARENA_MUTANT_NODE || undefined).withLog(log).start();
  } finally {
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
  }
  const timer = options.timeoutSeconds ? setTimeout(() => process.kill(process.pid, 'SIGTERM'), options.timeoutSeconds * 1000) : undefined;
  try {
    fleet.exportSecrets();
    return await runFleet({
      id, inventory: fleet.inventoryFile, iterations: options.iterations, suites: options.suites, roles: options.role ? [options.role] : [],
      ...(options.grep ? { grep: options.grep } : {}), allowDestructive: options.allowDestructive, out: options.out,
      onExitNow: () => removeRunNow(id),
    }, io);
  } finally {
    clearTimeout(timer);
    await fleet.stop();
  }
}
