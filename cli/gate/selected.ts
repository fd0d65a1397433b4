// Whether a selection holds any criterion, decided before anything starts (no target, no iteration): from
// the file system when no spec file matches, else by collecting the specs as --list does, since criteria
// are generated from the profile at collection time.
import { globSync } from 'node:fs';
import { specGlobs } from '../../vitest.workspace.ts';
import { UsageError } from '../exit-codes.ts';
import { listCriteria } from './list.ts';
import type { Selection } from './vitest-instance.ts';
import { offeredSuites } from './criterion-id.ts';

/** The spec files a selection loads, by the globs its Vitest project is given. */
export function selectedSpecFiles(selection: Selection): string[] {
  return selection.suitesDirs.flatMap((dir) => globSync(offeredSuites(dir, selection.suites).flatMap((suite) => specGlobs(selection.role, suite)), { cwd: dir.dir }));
}

/** The exit-2 error for a selection without criteria, with the hint where to look. */
export function nothingSelected(selection: Selection, why = ''): UsageError {
  const grep = selection.grep ? `, --grep "${selection.grep}"` : '';
  return new UsageError(`no criteria selected for role ${selection.role}, suites ${selection.suites.join(', ')}${grep}${why}; see ./gate.sh --list`);
}

/** Throws nothingSelected() unless the selection holds a criterion; the target to collect against must be set. */
export async function requireCriteria(selection: Selection): Promise<void> {
  if (selectedSpecFiles(selection).length === 0) throw nothingSelected(selection, ' (no *.spec.ts files)');
  // Vitest failing to collect, or a file failing to load, is for the run to report (a failed criterion).
  const listed = await listCriteria(selection).catch(() => null);
  if (listed && listed.criteria.length === 0 && listed.errors.length === 0) throw nothingSelected(selection);
}
