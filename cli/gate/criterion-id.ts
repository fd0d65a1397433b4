// A criterion's stable id, `<suite>/<file>::<full test name>`, where its spec lives, and --grep
// matching; shared by the run and --list.
import { relative, sep } from 'node:path';

/** A folder of suites, and how reports name it (`suites`, or an operator's path as given). */
export interface SuitesDir {
  dir: string;
  label: string;
  /** The suites of this folder that may run (all when absent). */
  only?: readonly string[];
}

/** The suites a folder offers to a run. */
export function offeredSuites(suitesDir: SuitesDir, present: readonly string[]): string[] {
  return present.filter((suite) => !suitesDir.only || suitesDir.only.includes(suite));
}

export interface Where {
  suite: string;
  file: string;
  /** The spec as reports name it: `<label>/<suite>/<file>`. */
  path: string;
}

/** The suites folder holding moduleId (the deepest, when one is inside another). */
export function whereIs(suitesDirs: readonly SuitesDir[], moduleId: string): Where {
  const holding = suitesDirs
    .filter(({ dir }) => !relative(dir, moduleId).startsWith('..'))
    .sort((a, b) => b.dir.length - a.dir.length)[0] ?? suitesDirs[0]!;
  const [suite = '', ...rest] = relative(holding.dir, moduleId).split(sep);
  const file = rest.join('/');
  return { suite, file, path: `${holding.label}/${suite}/${file}` };
}

export function criterionId(where: Pick<Where, 'suite' | 'file'>, fullName: string): string {
  return `${where.suite}/${where.file}::${fullName}`;
}

/** --grep is a regular expression over the full name, as Vitest's testNamePattern sees it. */
export function grepPattern(grep: string | undefined): RegExp | undefined {
  return grep ? new RegExp(grep) : undefined;
}

export function matchesGrep(pattern: RegExp | undefined, fullName: string): boolean {
  return !pattern || pattern.test(fullName) || pattern.test(fullName.replaceAll(' > ', ' '));
}
