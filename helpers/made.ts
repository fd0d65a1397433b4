// What a criterion made on the system (users, instances, namespaces…), undone after it in reverse order,
// whether it passed, failed or the gate was stopped: Playwright's factory-fixture pattern. Names carry the
// run's label, so anything a killed run left behind can still be found by it.
import { randomBytes } from 'node:crypto';

export interface Made {
  /** This run's label (`fg<run>`): in every name `name()` gives, for finding leftovers. */
  readonly label: string;
  /** A name unique to this run and call, lower-case letters, digits and dashes: `<prefix>-<label>-<n>`. */
  name(prefix: string): string;
  /** Remember how to undo what was just made; returns `value`, so `const user = made.add('user', await create(), remove)`. */
  add<T>(what: string, value: T, undo: (value: T) => unknown): T;
}

export interface MadeRecorder {
  made: Made;
  /** Undo everything, last made first; every undo runs even when one fails, then one error names each that failed. */
  undoAll(): Promise<void>;
}

/** A run's label from its id: short, lower-case, fit for a user handle, a team or a container name. */
export function runLabel(runId: string): string {
  const compact = runId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `fg${compact.slice(-10) || randomBytes(4).toString('hex')}`;
}

let counter = 0;

export function madeRecorder(runId: string): MadeRecorder {
  const label = runLabel(runId);
  const undos: { what: string; undo: () => unknown }[] = [];
  const made: Made = {
    label,
    name: (prefix) => `${prefix}-${label}-${(++counter).toString(36)}${randomBytes(2).toString('hex')}`,
    add: (what, value, undo) => {
      undos.push({ what, undo: () => undo(value) });
      return value;
    },
  };
  const undoAll = async (): Promise<void> => {
    const failed: string[] = [];
    for (const { what, undo } of undos.splice(0).reverse()) {
      try {
        await undo();
      } catch (error) {
        failed.push(`${what}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
    }
    if (failed.length) throw new Error(`could not undo ${failed.length} thing(s) this criterion made: ${failed.join('; ')}`);
  };
  return { made, undoAll };
}
