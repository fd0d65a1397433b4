// A criterion's stable id, `<suite>/<file>::<full test name>`, and --grep matching, shared by the run and --list.
import { relative, sep } from 'node:path';

export interface Where {
  suite: string;
  file: string;
}

export function whereIs(suitesDir: string, moduleId: string): Where {
  const [suite = '', ...rest] = relative(suitesDir, moduleId).split(sep);
  return { suite, file: rest.join('/') };
}

export function criterionId(where: Where, fullName: string): string {
  return `${where.suite}/${where.file}::${fullName}`;
}

/** --grep is a regular expression over the full name, as Vitest's testNamePattern sees it. */
export function grepPattern(grep: string | undefined): RegExp | undefined {
  return grep ? new RegExp(grep) : undefined;
}

export function matchesGrep(pattern: RegExp | undefined, fullName: string): boolean {
  return !pattern || pattern.test(fullName) || pattern.test(fullName.replaceAll(' > ', ' '));
}
