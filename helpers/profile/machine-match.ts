// Seed 001's trap: a node's profile run from another machine silently checks the runner. A profile that
// pins its machine (`match:`) refuses to run anywhere else.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Profile } from './schema.ts';

export interface Machine {
  hostname: string;
  machineId: string | undefined;
}

/** This machine, as `match:` compares it. */
export function thisMachine(): Machine {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id) return { hostname: hostname(), machineId: id };
    } catch {
      // try the next place
    }
  }
  return { hostname: hostname(), machineId: undefined };
}

/** Why this profile must not run here, or undefined when it may. */
export function machineMismatch(profile: Pick<Profile, 'node' | 'match'>, here: Machine = thisMachine()): string | undefined {
  const want = profile.match;
  if (!want) return undefined;
  const wrong: string[] = [];
  if (want.hostname !== undefined && want.hostname !== here.hostname) wrong.push(`hostname "${want.hostname}", this one is "${here.hostname}"`);
  if (want.machineId !== undefined && want.machineId !== here.machineId) wrong.push(`machine-id ${want.machineId}, this one is ${here.machineId ?? 'unknown'}`);
  if (!wrong.length) return undefined;
  return `this profile is for node ${profile.node} (${wrong.join('; ')}): run the gate on that node, not against it from here`;
}
