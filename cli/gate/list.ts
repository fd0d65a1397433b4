// --list: which criteria the selection would run, collected without running any of them.
import { createVitest } from 'vitest/node';
import { keepingOurSignalHandlers } from './own-signals.ts';
import { Writable } from 'node:stream';
import { relative, sep } from 'node:path';
import { roleProjects, ROOT, TAGS } from '../../vitest.workspace.ts';
import { suiteFilters, type Selection } from './iteration.ts';

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
    const { testModules } = await vitest.collect(suiteFilters(selection));
    const criteria: ListedCriterion[] = [];
    const errors: string[] = [];
    for (const module of testModules) {
      const path = relative(selection.suitesDir, module.moduleId).split(sep).join('/');
      for (const e of module.errors()) errors.push(`${path}: ${e.message}`);
      for (const test of module.children.allTests()) {
        if (selection.grep && !new RegExp(selection.grep).test(test.fullName.replaceAll(' > ', ' '))) continue;
        const tags = [...test.tags];
        criteria.push({ id: `${path}::${test.fullName}`, tags, refused: tags.includes('destructive') && !selection.allowDestructive });
      }
    }
    return { criteria: criteria.sort((a, b) => a.id.localeCompare(b.id)), errors };
  } finally {
    await vitest.close();
  }
}
