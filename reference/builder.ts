// What every reference builder (one node, a fleet) is configured with: the run it belongs to, where it
// logs, and a fault switch that must exist.
import { randomBytes } from 'node:crypto';
import { findMutant, MUTANTS } from './mutants.ts';

export abstract class ReferenceBuilder {
  /** Labels every container started, so the run (and a later reaper) finds them. */
  protected runId = randomBytes(4).toString('hex');
  protected log: (line: string) => void = () => undefined;

  withRunId(id: string): this {
    this.runId = id;
    return this;
  }

  withLog(log: (line: string) => void): this {
    this.log = log;
    return this;
  }
}

/** The mutant's name when it is one of reference/mutants.ts, undefined for none; an unknown one (or one for another role than `role`) is an error. */
export function knownMutant(name: string | undefined, role?: string): string | undefined {
  if (!name) return undefined;
  const mutant = findMutant(name);
  if (!mutant) throw new Error(`unknown mutant "${name}" (known: ${MUTANTS.map((m) => m.name).join(', ')})`);
  if (role && mutant.role !== role) throw new Error(`mutant "${name}" breaks a ${mutant.role} node; this reference node is ${role}`);
  return name;
}
