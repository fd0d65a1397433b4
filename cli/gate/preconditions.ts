// A node's preconditions (suite `preconditions`): facts it must satisfy before its gate means anything
// (DESIGN.md vocabulary). They run first and once; one that fails or is blocked makes the node blocked
// and the selected suites do not run, so a node that is not ready shows one reason, not a cascade of red.
import { clip } from '../../helpers/redact.ts';
import { classify } from './classify.ts';
import { selectedSpecFiles } from './selected.ts';
import type { CriterionVerdict, IterationResult } from './types.ts';
import type { Selection } from './vitest-instance.ts';

export const PRECONDITIONS = 'preconditions';

/** What a run does, in order: the preconditions once (when the node's role has any), then the selected suites N times. */
export interface RunPlan {
  /** The role's preconditions in any suites folder that offers them; `--grep` applies only when they were named. */
  preconditions: Selection | null;
  /** The other selected suites; null when `--suite preconditions` was the only one named. */
  selected: Selection | null;
}

/** Splits a selection into the preconditions that run first and the suites that run after them. */
export function planRun(selection: Selection): RunPlan {
  const named = selection.suites.includes(PRECONDITIONS);
  const { grep: _grep, ...withoutGrep } = selection;
  const preconditions: Selection = { ...(named ? selection : withoutGrep), suites: [PRECONDITIONS] };
  const others = selection.suites.filter((suite) => suite !== PRECONDITIONS);
  return {
    preconditions: selectedSpecFiles(preconditions).length > 0 ? preconditions : null,
    selected: others.length > 0 ? { ...selection, suites: others } : null,
  };
}

/** The suites a run records, in the order they run. */
export function plannedSuites(plan: RunPlan): string[] {
  return [...(plan.preconditions ? [PRECONDITIONS] : []), ...(plan.selected?.suites ?? [])];
}

/** Every verdict of a run: the preconditions' (judged on their one run) first, then the selected suites'. */
export function runVerdicts(preconditions: IterationResult | undefined, iterations: readonly IterationResult[]): CriterionVerdict[] {
  return [...(preconditions ? classify([preconditions]) : []), ...classify(iterations)];
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/**
 * One line naming the first precondition that failed or is blocked, with its reason, and the suites that
 * therefore did not run; null when every precondition holds (a skipped one holds: it does not apply).
 */
export function blockedReason(verdicts: readonly CriterionVerdict[], notRun: readonly string[]): string | null {
  const failing = verdicts.filter((v) => v.failed > 0 || v.blocked > 0);
  const first = failing[0];
  if (!first) return null;
  const name = first.file ? `${first.suite}/${first.file} › ${first.title}` : first.title;
  const how = first.failed > 0 ? 'failed' : 'is blocked';
  const more = failing.length > 1 ? ` (and ${failing.length - 1} more)` : '';
  const skipped = notRun.length ? `; not run: ${notRun.join(', ')}` : '';
  return `precondition ${name} ${how}: ${clip(oneLine(first.lastError ?? first.verdict), 300)}${more}${skipped}`;
}
