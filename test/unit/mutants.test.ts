// The fault switches' catalogue: `npm run mutants` judges those whose suite has criteria on the reference
// fleet's nodes; a mutant of a later suite still names its node's role, its suite and what must catch it.
import { expect, test } from 'vitest';
import { MUTANTS } from '../../reference/mutants.ts';
import { judgedMutants, suiteOf } from '../../cli/judged-mutants.ts';
import { ROOT } from '../../vitest.workspace.ts';
import { REFERENCE_ROLES } from '../../reference/node-kinds.ts';

test('names are unique; each mutant breaks a reference role and names what must catch it', () => {
  expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  for (const m of MUTANTS) {
    expect(REFERENCE_ROLES, m.name).toContain(m.role);
    expect(m.mustKill.length, m.name).toBeGreaterThan(0);
  }
});

test('the matrix judges the preflight and lifecycle mutants; the rest wait for criteria on the reference fleet\'s nodes', () => {
  const { suites, mutants, waiting } = judgedMutants(ROOT);
  expect(suites).toEqual(['lifecycle', 'preflight']);
  expect(mutants.map((m) => m.name)).toEqual(MUTANTS.filter((m) => ['preflight', 'lifecycle'].includes(suiteOf(m))).map((m) => m.name));
  expect([...waiting.keys()].sort()).toEqual(['appearance', 'drills', 'isolation']);
  for (const m of MUTANTS) expect(['preflight', 'lifecycle', 'isolation', 'drills', 'appearance'], m.name).toContain(suiteOf(m));
  const accounts = ['team-cap-unenforced-under-concurrency', 'solo-second-principal', 'session-lost-on-restart', 'audit-row-missing', 'readyz-lies-db-down'];
  expect(MUTANTS.filter((m) => accounts.includes(m.name)).map((m) => [m.name, m.role, m.suite])).toEqual([
    ['team-cap-unenforced-under-concurrency', 'control-plane', 'isolation'], ['solo-second-principal', 'control-plane', 'isolation'],
    ['session-lost-on-restart', 'control-plane', 'drills'], ['audit-row-missing', 'control-plane', 'lifecycle'], ['readyz-lies-db-down', 'control-plane', 'drills'],
  ]);
  expect(MUTANTS.filter((m) => m.name.startsWith('appearance-')).map((m) => [m.name, m.role, m.suite])).toEqual([
    ['appearance-unreadable-preset', 'control-plane', 'appearance'], ['appearance-preset-not-saved', 'control-plane', 'appearance'], ['appearance-overflow-narrow', 'control-plane', 'appearance'],
  ]);
});

test('the instance access switches break the control plane and are judged by the isolation suite\'s cross-team criterion', () => {
  const access = MUTANTS.filter((m) => m.name === 'instance-authz-missing' || m.name === 'instance-denial-not-audited');
  expect(access.map((m) => [m.name, m.role, m.suite])).toEqual([['instance-authz-missing', 'control-plane', 'isolation'], ['instance-denial-not-audited', 'control-plane', 'isolation']]);
  for (const m of access) expect(m.mustKill).toEqual(['a principal cannot read, reset or destroy another team\'s instance']);
});
