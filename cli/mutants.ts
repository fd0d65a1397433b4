// `npm run mutants`: the gate (on the reference fleet, through the bundle) against the healthy stack and
// against each fault switch, switched on in one node (the reference node of the mutant's role). A criterion
// of a mutated node that no mutant makes fail, a mutant no criterion notices, or a mutant that fails a node
// it is not on, is a defect in the gate.
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { MUTANTS, mutatedNode, type Mutant } from '../reference/mutants.ts';
import { ROOT } from '../vitest.workspace.ts';
import type { FleetResults } from './fleet/fleet-report.ts';
import { inTurns } from './in-turns.ts';

/** Mutant fleets started side by side: each is three containers; two fleets keep 2 cores busy. */
const SIDE_BY_SIDE = 2;

interface MutantRun {
  name: string;
  exitCode: number;
  /** Verdict per criterion (`<node> <criterion id>`): every node's in the healthy run, the mutated node's otherwise. */
  verdicts: Map<string, string>;
  /** Nodes without the mutant that did not pass. */
  collateral: string[];
  error?: string;
}

async function gateRun(mutant: string, node: string | undefined, iterations: number, bundle: string): Promise<MutantRun> {
  const out = mkdtempSync(join(tmpdir(), `fleetgate-mutant-${mutant}-`));
  try {
    const child = await execa(process.execPath, ['cli/main.ts', '--iterations', String(iterations), '--out', out], {
      cwd: ROOT, reject: false, all: true, env: { ARENA_MUTANT: mutant === 'healthy' ? '' : mutant, ARENA_MUTANT_NODE: node ?? '', FLEETGATE_BUNDLE: bundle, TESTCONTAINERS_RYUK_DISABLED: 'true' },
    });
    let doc: FleetResults | undefined;
    try {
      doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FleetResults;
    } catch {
      return { name: mutant, exitCode: child.exitCode ?? 3, verdicts: new Map(), collateral: [], error: String(child.all).trim().split('\n').slice(-3).join(' | ') };
    }
    return {
      name: mutant, exitCode: child.exitCode ?? 3,
      verdicts: new Map(doc.criteria.filter((c) => node === undefined || c.node === node).map((c) => [`${c.node} ${c.id}`, c.verdict])),
      collateral: doc.nodes.filter((n) => n.name !== node && n.status !== 'pass').map((n) => `${n.name} (${n.status}: ${n.reason ?? ''})`),
    };
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

  const built = await ensureBundle(log);
  const mutated = [...new Set(mutants.map(mutatedNode))];
  log(`mutants: healthy fleet, then ${mutants.length} fault switch(es) on ${mutated.join(', ')}, ${SIDE_BY_SIDE} fleets at a time, 1 iteration each`);
  try {
    const healthy = await gateRun('healthy', undefined, 1, built.file);
    log(`  healthy        exit ${healthy.exitCode}${healthy.error ? ` — ${healthy.error}` : ''}`);
    if (healthy.exitCode !== 0) problems.push(`the healthy fleet is not green (exit ${healthy.exitCode}${healthy.collateral.length ? `: ${healthy.collateral.join(', ')}` : ''})`);
    // The criteria judged: those of every node some mutant is switched on in.
    const criteria = [...healthy.verdicts.keys()].filter((key) => mutated.some((node) => key.startsWith(`${node} `))).sort();

    const runs: MutantRun[] = await inTurns(mutants, SIDE_BY_SIDE, async (mutant) => {
      const run = await gateRun(mutant.name, mutatedNode(mutant), 1, built.file);
      const kills = criteria.filter((id) => killedBy(run, id));
      log(`  ${mutant.name.padEnd(20)} exit ${run.exitCode}, killed by ${kills.length} criterion(s)${run.error ? ` — ${run.error}` : ''}`);
      return run;
    });
    runs.forEach((run, i) => {
      const mutant = mutants[i]!;
      if (!criteria.some((id) => killedBy(run, id))) problems.push(`mutant ${mutant.name} survived (${mutant.defect})`);
      if (run.collateral.length) problems.push(`mutant ${mutant.name} is on ${mutatedNode(mutant)} only, but also failed ${run.collateral.join(', ')}`);
      for (const pattern of mutant.mustKill) {
        const targeted = criteria.filter((id) => id.startsWith(`${mutatedNode(mutant)} `) && id.includes(pattern));
        if (targeted.length === 0) problems.push(`mutant ${mutant.name}: no criterion matches "${pattern}"`);
        else if (!targeted.some((id) => killedBy(run, id))) problems.push(`mutant ${mutant.name}: "${pattern}" did not fail`);
      }
    });
    return report(criteria, runs, mutants, only, problems, log);
  } finally {
    built.remove();
  }
}

/** One bundle for every run (FLEETGATE_BUNDLE, or built now). */
async function ensureBundle(log: (line: string) => void): Promise<{ file: string; remove(): void }> {
  if (process.env.FLEETGATE_BUNDLE) return { file: process.env.FLEETGATE_BUNDLE, remove: () => undefined };
  const { buildBundle } = await import('./bundle/build.ts');
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-mutants-bundle-'));
  const built = await buildBundle({ root: ROOT, role: 'all', outDir: dir, log: () => undefined });
  log(`bundle built once for every run (${(built.bytes / 1e6).toFixed(1)} MB)`);
  return { file: built.tarball, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function report(criteria: string[], runs: MutantRun[], mutants: readonly Mutant[], only: string[], problems: string[], log: (line: string) => void): number {
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
    ? `✓ healthy fleet green; ${mutants.map((m) => m.name).join(', ')} killed (a subset: run without names to check every criterion)`
    : '✓ healthy fleet green; every mutant killed on its node with the other nodes green; every criterion of a mutated node fails under at least one mutant');
  return 0;
}

process.exitCode = await main();
