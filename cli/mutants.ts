// `npm run mutants`: the gate against the healthy reference stack and against each fault switch.
// A criterion that no mutant makes fail, or a mutant no criterion notices, is a defect in the gate.
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { MUTANTS, type Mutant } from '../reference/mutants.ts';
import { ROOT } from '../vitest.workspace.ts';
import type { ResultsDocument } from './report/results.ts';

interface MutantRun {
  name: string;
  exitCode: number;
  verdicts: Map<string, string>;
  error?: string;
}

async function gateRun(mutant: string, iterations: number): Promise<MutantRun> {
  const out = mkdtempSync(join(tmpdir(), `fleetgate-mutant-${mutant}-`));
  try {
    const child = await execa(process.execPath, ['cli/main.ts', '--iterations', String(iterations), '--out', out], {
      cwd: ROOT, reject: false, all: true, env: { ARENA_MUTANT: mutant === 'healthy' ? '' : mutant, TESTCONTAINERS_RYUK_DISABLED: 'true' },
    });
    let doc: ResultsDocument | undefined;
    try {
      doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    } catch {
      return { name: mutant, exitCode: child.exitCode ?? 3, verdicts: new Map(), error: String(child.all).trim().split('\n').slice(-3).join(' | ') };
    }
    return { name: mutant, exitCode: child.exitCode ?? 3, verdicts: new Map(doc.criteria.map((c) => [c.id, c.verdict])) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function killedBy(run: MutantRun, id: string): boolean {
  const verdict = run.verdicts.get(id);
  return verdict !== undefined && verdict !== 'pass' && verdict !== 'skipped';
}

async function main(): Promise<number> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const mutants: readonly Mutant[] = only.length ? MUTANTS.filter((m) => only.includes(m.name)) : MUTANTS;
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const problems: string[] = [];

  log(`mutants: healthy run, then ${mutants.length} fault switch(es), 1 iteration each`);
  const healthy = await gateRun('healthy', 1);
  log(`  healthy        exit ${healthy.exitCode}${healthy.error ? ` — ${healthy.error}` : ''}`);
  if (healthy.exitCode !== 0) problems.push(`the healthy stack is not green (exit ${healthy.exitCode})`);
  const criteria = [...healthy.verdicts.keys()].sort();

  const runs: MutantRun[] = [];
  for (const mutant of mutants) {
    const run = await gateRun(mutant.name, 1);
    runs.push(run);
    const kills = criteria.filter((id) => killedBy(run, id));
    log(`  ${mutant.name.padEnd(14)} exit ${run.exitCode}, killed by ${kills.length} criterion(s)${run.error ? ` — ${run.error}` : ''}`);
    if (kills.length === 0) problems.push(`mutant ${mutant.name} survived (${mutant.defect})`);
    for (const pattern of mutant.mustKill) {
      const targeted = criteria.filter((id) => id.includes(pattern));
      if (targeted.length === 0) problems.push(`mutant ${mutant.name}: no criterion matches "${pattern}"`);
      else if (!targeted.some((id) => killedBy(run, id))) problems.push(`mutant ${mutant.name}: "${pattern}" did not fail`);
    }
  }

  // The matrix: criterion × mutant. K = killed (broken or flaky), B = killed as blocked, . = survived.
  const header = runs.map((_, i) => String(i + 1).padStart(2)).join(' ');
  const lines = ['', `${'criterion'.padEnd(70)} ${header}`];
  for (const id of criteria) {
    const cells = runs.map((run) => (!killedBy(run, id) ? ' .' : run.verdicts.get(id) === 'blocked' ? ' B' : ' K')).join(' ');
    lines.push(`${(id.length > 70 ? `${id.slice(0, 69)}…` : id).padEnd(70)} ${cells}`);
    if (!runs.some((run) => killedBy(run, id)) && !only.length) problems.push(`criterion never fails under any mutant: ${id}`);
  }
  lines.push('', 'K = killed (broken or flaky), B = killed as blocked (a precondition failed), . = survived', '');
  lines.push(...runs.map((run, i) => `${String(i + 1).padStart(2)} = ${run.name}: ${mutants[i]!.defect}`));
  for (const line of lines) log(line);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'mutants.txt'), `${lines.join('\n')}\n`);

  log('');
  if (problems.length) {
    for (const p of problems) log(`✗ ${p}`);
    return 1;
  }
  log(only.length
    ? `✓ healthy stack green; ${mutants.map((m) => m.name).join(', ')} killed (a subset: run without names to check every criterion)`
    : '✓ healthy stack green; every mutant killed; every criterion fails under at least one mutant');
  return 0;
}

process.exitCode = await main();
