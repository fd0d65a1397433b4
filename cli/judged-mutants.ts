// Which fault switches `npm run mutants` judges: those whose suite has criteria on a node of the reference
// fleet (specs at the suite's top, or under one of its roles' folders). The others wait for their criteria
// (or, like the appearance suite's browser role, for their node to join the reference fleet).
import { globSync } from 'node:fs';
import { join } from 'node:path';
import { MUTANTS, type Mutant } from '../reference/mutants.ts';
import { REFERENCE_ROLES } from '../reference/node-kinds.ts';
import { suitesIn } from '../helpers/suites-folder.ts';

export const suiteOf = (mutant: Mutant): string => mutant.suite ?? 'preflight';

export interface Judged {
  /** Suites with criteria on the reference fleet's nodes, in folder order. */
  suites: string[];
  mutants: Mutant[];
  /** The other mutants, by the suite their criteria will be in. */
  waiting: Map<string, Mutant[]>;
}

export function judgedMutants(root: string): Judged {
  const folders = ['', ...REFERENCE_ROLES.map((role) => `${role}/`)];
  const suites = suitesIn(join(root, 'suites')).filter((suite) => folders.some((folder) => globSync(`suites/${suite}/${folder}*.spec.ts`, { cwd: root }).length > 0));
  const waiting = new Map<string, Mutant[]>();
  for (const mutant of MUTANTS.filter((m) => !suites.includes(suiteOf(m)))) waiting.set(suiteOf(mutant), [...(waiting.get(suiteOf(mutant)) ?? []), mutant]);
  return { suites, mutants: MUTANTS.filter((m) => suites.includes(suiteOf(m))), waiting };
}
