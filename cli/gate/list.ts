// --list: which criteria the selection would run, collected without running any of them.
import { endKeptThreads } from './kept-threads.ts';
import { Writable } from 'node:stream';
import { gateVitest, suiteFilters, type Selection } from './vitest-instance.ts';
import { criterionId, grepPattern, matchesGrep, whereIs } from './criterion-id.ts';

export interface ListedCriterion {
  id: string;
  tags: string[];
  refused: boolean;
}

export async function listCriteria(selection: Selection): Promise<{ criteria: ListedCriterion[]; errors: string[] }> {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const vitest = await gateVitest(selection, { reporters: [], output: sink, refuseDestructive: false });
  try {
    // Specs generate criteria from the profile, so they are collected by running their top level, not parsed.
    const { testModules } = await vitest.collect(suiteFilters(selection), { staticParse: false });
    const criteria: ListedCriterion[] = [];
    const errors: string[] = [];
    const grep = grepPattern(selection.grep);
    for (const module of testModules) {
      const where = whereIs(selection.suitesDirs, module.moduleId);
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
    // Collecting is configured unlike the iterations, so its thread would never be reused: free it now.
    await endKeptThreads();
  }
}
