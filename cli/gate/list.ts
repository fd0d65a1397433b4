// --list: which criteria the selection would run, collected without running any of them.
import { createVitest } from 'vitest/node';
import { keepingOurSignalHandlers } from './own-signals.ts';
import { Writable } from 'node:stream';
import { roleProjects, ROOT, TAGS } from '../../vitest.workspace.ts';
import { suiteFilters, type Selection } from './iteration.ts';
import { criterionId, grepPattern, matchesGrep, whereIs } from './criterion-id.ts';

export interface ListedCriterion {
  id: string;
  tags: string[];
  refused: boolean;
}

export async function listCriteria(selection: Selection): Promise<{ criteria: ListedCriterion[]; errors: string[] }> {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const vitest = await keepingOurSignalHandlers(() => createVitest('test', {
    config: false, root: ROOT, watch: false, passWithNoTests: true, reporters: [], tags: TAGS,
    projects: roleProjects({ roles: [selection.role], suitesDir: selection.suitesDir, referenceSetup: false }),
    ...(selection.grep ? { testNamePattern: selection.grep } : {}),
  }, {}, { stdout: sink, stderr: sink }));
  try {
    // Specs generate criteria from the profile, so they are collected by running their top level, not parsed.
    const { testModules } = await vitest.collect(suiteFilters(selection), { staticParse: false });
    const criteria: ListedCriterion[] = [];
    const errors: string[] = [];
    const grep = grepPattern(selection.grep);
    for (const module of testModules) {
      const where = whereIs(selection.suitesDir, module.moduleId);
      for (const e of module.errors()) errors.push(`${where.suite}/${where.file}: ${e.message}`);
      for (const test of module.children.allTests()) {
        if (!matchesGrep(grep, test.fullName)) continue;
        const tags = [...test.tags];
        criteria.push({ id: criterionId(where, test.fullName), tags, refused: tags.includes('destructive') && !selection.allowDestructive });
      }
    }
    return { criteria: criteria.sort((a, b) => a.id.localeCompare(b.id)), errors };
  } finally {
    await vitest.close();
  }
}
