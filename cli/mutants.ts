// `npm run mutants`: the gate (on the reference fleet, through the bundle) against the healthy stack and
// against each fault switch, switched on in one node of its role. A criterion that no mutant makes fail, a
// mutant no criterion notices, or a mutant that fails a node it is not on, is a defect in the gate.
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Mutant } from '../reference/mutants.ts';
import { judgedMutants, suiteOf } from './judged-mutants.ts';
import { ArenaFleet } from '../reference/fleet.ts';
import { ROOT } from '../vitest.workspace.ts';
import type { FleetResults } from './fleet/fleet-report.ts';
import { inTurns } from './in-turns.ts';

/** Mutant fleets started side by side: a preflight one is a few nodes, two keep 2 cores busy; a later suite's runs on one node. */
const SIDE_BY_SIDE = { fleet: 2, alone: 3 } as const;

interface MutantRun {
  name: string;
  /** The node the fault switch is on (none for the healthy run). */
  node: string | undefined;
  exitCode: number;
  /** Each node's verdict per criterion. */
  verdicts: Map<string, Map<string, string>>;
  /** Nodes without the mutant that did not pass. */
  collateral: string[];
  error?: string;
}

/** The node of the reference fleet a mutant is switched on in: the first of its role. */
const mutatedNode = (mutant: string): string => new ArenaFleet().withMutant(mutant).mutant!.node;

/** One gate run over the reference fleet; a mutant's run starts only the nodes of its role (`--role`), side by side with others. */
async function gateRun(mutant: string, node: string | undefined, iterations: number, bundle: string, suites: readonly string[], role?: string, alone = false): Promise<MutantRun> {
  const out = mkdtempSync(join(tmpdir(), `fleetgate-mutant-${mutant}-`));
  try {
    // Every criterion is judged, the destructive ones too: the fleets are the matrix's own.
    const args = ['cli/main.ts', '--iterations', String(iterations), '--out', out, '--allow-destructive', ...suites.flatMap((suite) => ['--suite', suite]), ...(role ? ['--role', role] : [])];
    const child = await execa(process.execPath, args, {
      cwd: ROOT, reject: false, all: true,
      env: { ARENA_MUTANT: node ? mutant : '', ARENA_MUTANT_NODE: node ?? '', ARENA_NODES: alone && node ? node : '', FLEETGATE_BUNDLE: bundle, TESTCONTAINERS_RYUK_DISABLED: 'true' },
    });
    let doc: FleetResults | undefined;
    try {
      doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FleetResults;
    } catch {
      return { name: mutant, node, exitCode: child.exitCode ?? 3, verdicts: new Map(), collateral: [], error: String(child.all).trim().split('\n').slice(-3).join(' | ') };
    }
    const verdicts = new Map(doc.nodes.map((n) => [n.name, new Map(doc.criteria.filter((c) => c.node === n.name).map((c) => [c.id, c.verdict]))]));
    return {
      name: mutant, node, exitCode: child.exitCode ?? 3, verdicts,
      collateral: doc.nodes.filter((n) => n.name !== node && n.status !== 'pass').map((n) => `${n.name} (${n.status}: ${n.reason ?? ''})`),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A criterion of one node: `<node> <criterion id>`, a row of the matrix. */
interface Row {
  node: string;
  id: string;
}

function killedBy(run: MutantRun, { node, id }: Row): boolean {
  const verdict = run.node === node ? run.verdicts.get(node)?.get(id) : undefined;
  return verdict !== undefined && verdict !== 'pass' && verdict !== 'skipped';
}

async function main(): Promise<number> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const { suites: judged, mutants: judgeable, waiting } = judgedMutants(ROOT);
  const mutants: readonly Mutant[] = only.length ? judgeable.filter((m) => only.includes(m.name)) : judgeable;
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const problems: string[] = [];
  for (const [suite, those] of waiting) {
    const named = those.filter((m) => !only.length || only.includes(m.name));
    if (named.length) log(`not judged here (no ${suite} criteria on the reference fleet's nodes yet): ${named.map((m) => m.name).join(', ')}`);
  }

  const built = await ensureBundle(log);
  const nodes = new Map(mutants.map((m) => [m.name, mutatedNode(m.name)]));
  const mutated = [...new Set(nodes.values())];
  log(`mutants: healthy fleet (suites ${judged.join(', ')}), then ${mutants.length} fault switch(es), each on the first node of its role (${mutated.join(', ')}) with its own suite, ${SIDE_BY_SIDE.fleet} preflight fleets or ${SIDE_BY_SIDE.alone} single nodes at a time, 1 iteration each`);
  try {
    // The healthy fleet runs every judged suite; a mutant's fleet only the suite its criteria are in.
    const healthy = await gateRun('healthy', undefined, 1, built.file, judged.filter((suite) => mutants.some((m) => suiteOf(m) === suite)));
    log(`  healthy        exit ${healthy.exitCode}${healthy.error ? ` — ${healthy.error}` : ''}`);
    if (healthy.exitCode !== 0) problems.push(`the healthy fleet is not green (exit ${healthy.exitCode}${healthy.collateral.length ? `: ${healthy.collateral.join(', ')}` : ''})`);
    // The rows: every criterion of each node a mutant is switched on in.
    const criteria: Row[] = mutated.flatMap((node) => [...(healthy.verdicts.get(node)?.keys() ?? [])].sort().map((id) => ({ node, id })));

    // The preflight switches first, two fleets at a time; then those of the later suites, each on its own node, three at a time.
    const byName = new Map<string, MutantRun>();
    const alone = (m: Mutant): boolean => suiteOf(m) !== 'preflight';
    const judge = async (mutant: Mutant): Promise<MutantRun> => {
      // A preflight switch runs in a fleet of its role's nodes, so a fault that leaks to the others shows; the later suites'
      // criteria change state and take longer: their switch runs on its own node (and what that node needs).
      const run = await gateRun(mutant.name, nodes.get(mutant.name), 1, built.file, [suiteOf(mutant)], mutant.role, alone(mutant));
      const kills = criteria.filter((row) => killedBy(run, row));
      log(`  ${mutant.name.padEnd(24)} exit ${run.exitCode}, killed by ${kills.length} criterion(s) on ${run.node}${run.error ? ` — ${run.error}` : ''}`);
      byName.set(mutant.name, run);
      return run;
    };
    await inTurns(mutants.filter((m) => !alone(m)), SIDE_BY_SIDE.fleet, judge);
    await inTurns(mutants.filter(alone), SIDE_BY_SIDE.alone, judge);
    // The matrix keeps mutants.ts's order, whatever order they ran in.
    const runs = mutants.map((m) => byName.get(m.name)!);
    runs.forEach((run, i) => {
      const mutant = mutants[i]!;
      const own = criteria.filter((row) => row.node === run.node);
      if (!own.some((row) => killedBy(run, row))) problems.push(`mutant ${mutant.name} survived on ${run.node} (${mutant.defect})`);
      if (run.collateral.length) problems.push(`mutant ${mutant.name} is on ${run.node} only, but also failed ${run.collateral.join(', ')}`);
      for (const pattern of mutant.mustKill) {
        const targeted = own.filter((row) => row.id.includes(pattern));
        if (targeted.length === 0) problems.push(`mutant ${mutant.name}: no criterion of ${run.node} matches "${pattern}"`);
        else if (!targeted.some((row) => killedBy(run, row))) problems.push(`mutant ${mutant.name}: "${pattern}" did not fail`);
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

function report(criteria: Row[], runs: MutantRun[], mutants: readonly Mutant[], only: string[], problems: string[], log: (line: string) => void): number {
  // The matrix: criterion (of the node its mutants are on) × mutant. K = killed (broken or flaky), B = killed as blocked, . = survived.
  const header = runs.map((_, i) => String(i + 1).padStart(2)).join(' ');
  const lines = ['', `${'criterion'.padEnd(80)} ${header}`];
  for (const row of criteria) {
    const cells = runs.map((run) => (!killedBy(run, row) ? ' .' : run.verdicts.get(row.node)?.get(row.id) === 'blocked' ? ' B' : ' K')).join(' ');
    const label = `${row.node} ${row.id}`;
    lines.push(`${(label.length > 80 ? `${label.slice(0, 79)}…` : label).padEnd(80)} ${cells}`);
    if (!runs.some((run) => killedBy(run, row)) && !only.length) problems.push(`criterion never fails under any mutant: ${label}`);
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
    : '✓ healthy fleet green; every mutant killed on its node with the other nodes green; every criterion fails under at least one mutant');
  return 0;
}

process.exitCode = await main();
