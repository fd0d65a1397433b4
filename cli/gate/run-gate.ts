// The gate: resolve the target, run N iterations, classify, write every report, clean up — even when
// stopped early (abort.ts: SIGINT/SIGTERM/--timeout → partial reports, exit 3).
import { EXIT, UsageError } from '../exit-codes.ts';
import { RunAbort } from './abort.ts';
import type { GateOptions } from '../options.ts';
import type { Role } from '../../helpers/roles.ts';
import { Progress } from '../report/progress.ts';
import { writeFinalReports, writeIterationReport, linkLatest } from '../report/write.ts';
import { classify, gatePasses } from './classify.ts';
import { runIteration, type RunningIteration } from './iteration.ts';
import type { Selection } from './vitest-instance.ts';
import { listCriteria } from './list.ts';
import { nothingSelected, requireCriteria } from './selected.ts';
import { userTarget, referenceTarget, placeholderReferenceTarget, REFERENCE_ROLE, type Target } from './target.ts';
import type { IterationResult } from './types.ts';

function selectedRole(requested: Role | undefined, target: Target): Role {
  const role = target.profile.role as Role;
  if (requested && requested !== role) {
    throw new UsageError(`--role ${requested} does not match the role "${role}" of node ${target.profile.node} in ${target.profileFile}`);
  }
  return role;
}

export async function runGate(options: GateOptions, id: string, progress: Progress): Promise<number> {
  const startedAt = new Date();
  const stop = new RunAbort((line) => progress.log(line), options.timeoutSeconds);
  const uninstall = stop.install();
  let current: RunningIteration | undefined;
  stop.onAbort(() => void current?.cancel());

  let target: Target | undefined;
  try {
    if (!options.profile && options.role && options.role !== REFERENCE_ROLE) {
      throw new UsageError(`--role ${options.role}: the embedded reference stack has only a ${REFERENCE_ROLE} node so far; give --profile for a ${options.role} node`);
    }
    // Criteria are collected against the user's profile, or node B's shape with nothing started.
    const collection = options.profile ? userTarget(options.profile) : placeholderReferenceTarget();
    if (options.profile) target = collection;
    let selection: Selection;
    try {
      selection = {
        role: selectedRole(options.role, collection),
        suitesDir: options.suitesDir,
        suites: options.suites,
        ...(options.grep ? { grep: options.grep } : {}),
        allowDestructive: options.allowDestructive,
      };
      if (options.list) return await printList(selection, progress);
      await requireCriteria(selection);
    } finally {
      if (collection !== target) await collection.release();
    }
    target ??= await referenceTarget(id, (line) => progress.log(line));

    const node = target.profile.node;
    progress.log(`fleetgate: ${node} (${selection.role}), suites ${selection.suites.join(', ')}, ${options.iterations} iteration(s)`);
    const junitRun = { runId: id, node, role: selection.role, iterations: options.iterations, startedAt: startedAt.toISOString() };
    const iterations: IterationResult[] = [];
    for (let i = 1; i <= options.iterations && !stop.reason; i++) {
      progress.iterationStart(i, options.iterations);
      current = runIteration(i, selection, {
        onCriterionStart: (title) => {
          stop.running = title;
          progress.criterionStart(title);
        },
        onCriterionEnd: (run) => progress.criterionEnd(run),
      });
      const result = await Promise.race([current.result, stop.graceOver]);
      if (!result || result.aborted || stop.reason) break;
      iterations.push(result);
      for (const e of result.errors) progress.log(`  ! iteration ${i}: ${e.type}: ${e.message}\n${indent(e.detail.split('\n').slice(0, 8).join('\n'))}`);
      writeIterationReport(options.out, iterations, junitRun);
      progress.iterationEnd(result.durationMs);
    }

    const verdicts = classify(iterations);
    const aborted = stop.reason;
    if (!aborted && verdicts.length === 0) throw nothingSelected(selection);
    const exitCode = aborted ? EXIT.aborted : gatePasses(verdicts) ? EXIT.pass : EXIT.fail;
    writeFinalReports(options.out, {
      id, node, role: selection.role, iterations: options.iterations, completedIterations: iterations.length,
      suites: [...selection.suites], startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), exitCode, aborted,
    }, iterations);
    const latestNote = linkLatest(options.reportsDir, options.out);
    progress.table(verdicts);
    progress.log(`reports: ${options.out}`);
    if (latestNote) progress.log(latestNote);
    return exitCode;
  } finally {
    await target?.release();
    uninstall();
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `      ${l}`).join('\n');
}

async function printList(selection: Selection, progress: Progress): Promise<number> {
  const { criteria, errors } = await listCriteria(selection);
  for (const c of criteria) progress.log(`${c.refused ? '(refused: destructive, needs --allow-destructive) ' : ''}${c.id}${c.tags.length ? `  [${c.tags.join(', ')}]` : ''}`);
  for (const e of errors) progress.log(`! ${e}`);
  progress.log(`${criteria.filter((c) => !c.refused).length} criteria would run for ${selection.role}`);
  return errors.length ? EXIT.usage : EXIT.pass;
}
