// `./gate.sh` with no --profile: the embedded reference fleet — node A (registry), node B and two more
// control-plane nodes, node C (vpn), containers without Node.js — started for the run; the bundle is shipped into each (docker and
// ssh) and the gate runs ON them; the reports merge; every container goes, whatever happens.
import { EXIT, UsageError } from '../exit-codes.ts';
import type { GateOptions } from '../options.ts';
import { redact } from '../../helpers/redact.ts';
import { removeRunNow } from '../../reference/run-containers.ts';
import { REFERENCE_KINDS, REFERENCE_ROLES, type NodeKind } from '../../reference/node-kinds.ts';
import { runFleet, type FleetIO } from './fleet.ts';
import { placeholderReferenceTarget } from '../gate/target.ts';
import { requireCriteria } from '../gate/selected.ts';
import { planRun } from '../gate/preconditions.ts';
import { printList } from '../gate/run-gate.ts';
import type { Selection } from '../gate/vitest-instance.ts';
import type { Progress } from '../report/progress.ts';

/** The reference roles --role leaves in (all of them without it). */
function kindsAsked(options: GateOptions): readonly NodeKind[] {
  if (options.role && !REFERENCE_ROLES.includes(options.role)) {
    throw new UsageError(`--role ${options.role}: the embedded reference fleet has no ${options.role} node (its roles: ${REFERENCE_ROLES.join(', ')}); give --profile for a ${options.role} node`);
  }
  return REFERENCE_KINDS.filter((kind) => !options.role || kind.role === options.role);
}

/** `body` given the selection for a node of `kind`, its criteria collected against that kind's profile with nothing started. */
async function collectingFor<T>(kind: NodeKind, options: GateOptions, body: (selection: Selection) => Promise<T>): Promise<T> {
  const { match: _pinned, ...profile } = kind.profile(`${kind.role}-not-started`);
  const collection = await placeholderReferenceTarget({ profile, secrets: kind.secrets });
  try {
    return await body({ role: kind.role, suitesDirs: options.suitesDirs, suites: options.suites, ...(options.grep ? { grep: options.grep } : {}), allowDestructive: options.allowDestructive });
  } finally {
    await collection.release();
  }
}

/** `--list` with no profile: what would run on the nodes of each role of the reference fleet. */
export async function listReferenceFleet(options: GateOptions, progress: Progress): Promise<number> {
  let exitCode: number = EXIT.pass;
  for (const kind of kindsAsked(options)) {
    exitCode = Math.max(exitCode, await collectingFor(kind, options, (selection) => printList(planRun(selection), selection, progress)));
  }
  return exitCode;
}

/** The roles whose nodes have a criterion selected, decided before any node starts; none at all is a usage error. */
async function rolesWithCriteria(options: GateOptions): Promise<string[]> {
  const kinds = kindsAsked(options);
  const roles: string[] = [];
  for (const kind of kinds) {
    const holds = await collectingFor(kind, options, async (selection) => {
      const plan = planRun(selection);
      return requireCriteria(plan.selected ?? plan.preconditions ?? selection).then(() => true, (error: unknown) => {
        if (error instanceof UsageError) return false;
        throw error;
      });
    });
    if (holds) roles.push(kind.role);
  }
  if (roles.length) return roles;
  const grep = options.grep ? `, --grep "${options.grep}"` : '';
  throw new UsageError(`no criteria selected for the reference fleet's roles (${kinds.map((k) => k.role).join(', ')}), suites ${options.suites.join(', ')}${grep}; see ./gate.sh --list`);
}

export async function runReferenceFleet(options: GateOptions, id: string, io: FleetIO): Promise<number> {
  if (options.suitesDirs.some((s) => s.label !== 'suites')) {
    throw new UsageError('--suites runs an operator\'s specs against the operator\'s node: give --profile (or ./gate.sh fleet --inventory) with it');
  }
  // Only the nodes of roles with something selected start: a --grep for registry criteria needs no control-plane node.
  const roles = await rolesWithCriteria(options);
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
    if (roles.length < REFERENCE_ROLES.length) builder.withRole(...roles);
    // ARENA_NODES=arena-b1,…: only those nodes (a fault switch's own criteria on its own node, as the mutant matrix runs them).
    const only = (process.env.ARENA_NODES ?? '').split(',').filter(Boolean);
    if (only.length) builder.withNodes(...only);
    fleet = await builder.withMutant(process.env.ARENA_MUTANT, process.env.ARENA_MUTANT_NODE || undefined).withLog(log).start();
  } finally {
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
  }
  const timer = options.timeoutSeconds ? setTimeout(() => process.kill(process.pid, 'SIGTERM'), options.timeoutSeconds * 1000) : undefined;
  try {
    fleet.exportSecrets();
    return await runFleet({
      id, inventory: fleet.inventoryFile, iterations: options.iterations, suites: options.suites, roles,
      ...(options.grep ? { grep: options.grep } : {}), allowDestructive: options.allowDestructive, out: options.out,
      onExitNow: () => removeRunNow(id),
    }, io);
  } finally {
    clearTimeout(timer);
    await fleet.stop();
  }
}
