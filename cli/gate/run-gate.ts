// The gate: decide what is selected, start the target, run N iterations, classify, write every report,
// clean up — also when stopped early (abort.ts: SIGINT/SIGTERM/--timeout → partial reports, exit 3).
import { EXIT, UsageError } from '../exit-codes.ts';
import { RunAbort } from './abort.ts';
import type { GateOptions } from '../options.ts';
import { rolesIn } from '../../helpers/suites-folder.ts';
import { didYouMean } from '../../helpers/did-you-mean.ts';
import { beginRedaction } from '../../helpers/redact.ts';
import { Progress } from '../report/progress.ts';
import { linkLatest } from '../report/write.ts';
import { RunReports } from '../report/run-reports.ts';
import { gatePasses } from './classify.ts';
import { runIteration, type RunningIteration } from './iteration.ts';
import type { CollectorEvents } from './collector.ts';
import type { Selection } from './vitest-instance.ts';
import { listCriteria } from './list.ts';
import { nothingSelected, requireCriteria } from './selected.ts';
import { userTarget, referenceTarget, placeholderReferenceTarget, removeReferenceNow, REFERENCE_ROLE, type Target } from './target.ts';

const STARTING_REFERENCE = 'starting reference node B';

/** A profile describes one node of one role: --role may only confirm it (a typo gets the closest role). */
function selectedRole(requested: string | undefined, target: Target, suitesDirs: readonly string[]): string {
  const role = target.profile.role;
  if (requested && requested !== role) {
    const hint = didYouMean(requested, [role, ...rolesIn(suitesDirs)]);
    throw new UsageError(`--role ${requested} does not match the role "${role}" of node ${target.profile.node} in ${target.profileFile}${hint ? `; did you mean "${hint}"?` : ''}`);
  }
  return role;
}

export async function runGate(options: GateOptions, id: string, progress: Progress): Promise<number> {
  const startedAt = new Date();
  // Secrets registered from here on belong to this run only.
  beginRedaction();
  const stop = new RunAbort({ log: (line) => progress.log(line), timeoutSeconds: options.timeoutSeconds });
  const uninstall = stop.install();
  let current: RunningIteration | undefined;
  let collection: Target | undefined;
  let target: Target | undefined;
  let reports: RunReports | undefined;
  stop.onAbort(() => void current?.cancel());
  // Exiting now (a second stop request): what finished is written, what was started removed, synchronously.
  stop.onExitNow(() => {
    if (current) reports?.add(current.partial());
    reports?.finish(EXIT.aborted, stop.reason);
  });
  stop.onExitNow(() => {
    for (const held of new Set([collection, target])) held?.releaseNow();
    // A reference start under way has no target yet; its containers carry the run id.
    if (!target && !options.profile) removeReferenceNow(id);
  });

  try {
    if (!options.profile && options.role && options.role !== REFERENCE_ROLE) {
      throw new UsageError(`--role ${options.role}: the embedded reference stack has only a ${REFERENCE_ROLE} node so far; give --profile for a ${options.role} node`);
    }
    // Criteria are collected against the user's profile, or node B's shape with nothing started.
    const dirs = options.suitesDirs.map((s) => s.dir);
    collection = options.profile ? await userTarget(options.profile, dirs) : await placeholderReferenceTarget();
    if (options.profile) target = collection;
    let selection: Selection;
    try {
      selection = {
        role: selectedRole(options.role, collection, dirs),
        suitesDirs: options.suitesDirs,
        suites: options.suites,
        ...(options.grep ? { grep: options.grep } : {}),
        allowDestructive: options.allowDestructive,
      };
      if (options.list) return await printList(selection, progress);
      await requireCriteria(selection);
    } finally {
      if (collection !== target) await collection.release();
    }

    const node = collection.profile.node;
    reports = new RunReports({ id, node, role: selection.role, iterations: options.iterations, suites: selection.suites, startedAt, out: options.out });
    target ??= await startReference(id, stop, progress, dirs);
    if (target) {
      progress.log(`fleetgate: ${node} (${selection.role}), suites ${selection.suites.join(', ')}, ${options.iterations} iteration(s)`);
      for (let i = 1; i <= options.iterations && !stop.reason; i++) {
        progress.iterationStart(i, options.iterations);
        const running = runningCriteria(stop, progress);
        current = runIteration(i, selection, running.events);
        const result = (await Promise.race([current.result, stop.graceOver])) ?? current.partial();
        current = undefined;
        running.forget();
        reports.add(result);
        if (result.partial) break;
        for (const e of result.errors) progress.log(`  ! iteration ${i}: ${e.type}: ${e.message}\n${indent(e.detail.split('\n').slice(0, 8).join('\n'))}`);
        progress.iterationEnd(result.durationMs);
      }
    }

    const verdicts = reports.verdicts();
    const aborted = stop.reason;
    if (!aborted && verdicts.length === 0) throw nothingSelected(selection);
    const exitCode = aborted ? EXIT.aborted : gatePasses(verdicts) ? EXIT.pass : EXIT.fail;
    reports.finish(exitCode, aborted);
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

/**
 * Start the reference stack under the abort: a stop request interrupts the start (undefined is returned),
 * and a start that ignores it past the grace period is released whenever it ends.
 */
async function startReference(id: string, stop: RunAbort, progress: Progress, suitesDirs: readonly string[]): Promise<Target | undefined> {
  if (stop.reason) return undefined;
  stop.started(STARTING_REFERENCE);
  const starting = referenceTarget(id, (line) => progress.log(line), stop.signal, suitesDirs);
  try {
    const target = await Promise.race([starting, stop.graceOver]);
    if (!target) void starting.then((late) => late.release(), () => undefined);
    return target ?? undefined;
  } catch (error) {
    if (stop.reason) return undefined;
    throw error;
  } finally {
    stop.ended(STARTING_REFERENCE);
  }
}

/** Progress and the abort's "while running …" follow the criteria of one iteration; forget() when it ends. */
function runningCriteria(stop: RunAbort, progress: Progress): { events: CollectorEvents; forget(): void } {
  const running = new Set<string>();
  const ended = (title: string): void => {
    running.delete(title);
    stop.ended(`running ${title}`);
  };
  return {
    events: {
      onCriterionStart: (title) => {
        running.add(title);
        stop.started(`running ${title}`);
        progress.criterionStart(title);
      },
      onCriterionResult: ended,
      onCriterionEnd: (run) => progress.criterionEnd(run),
    },
    // A criterion whose worker died never reports a result: it must not be named by a later abort.
    forget: () => [...running].forEach(ended),
  };
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
