// The gate: decide what is selected, start the target, run N iterations, classify, write every report,
// clean up — also when stopped early (abort.ts: SIGINT/SIGTERM/--timeout → partial reports, exit 3).
import { rmSync } from 'node:fs';
import { EXIT, UsageError } from '../exit-codes.ts';
import { attachmentsStaging } from '../work-dir.ts';
import { killRunBrowsersNow, stopRunBrowsers } from '../../helpers/browser.ts';
import { RunAbort } from './abort.ts';
import type { GateOptions } from '../options.ts';
import { rolesIn } from '../../helpers/suites-folder.ts';
import { didYouMean } from '../../helpers/did-you-mean.ts';
import { beginRedaction } from '../../helpers/redact.ts';
import { Progress } from '../report/progress.ts';
import { linkLatest } from '../report/write.ts';
import { RunReports, type Phase } from '../report/run-reports.ts';
import { classify, gatePasses } from './classify.ts';
import { runIteration, type RunningIteration } from './iteration.ts';
import type { CollectorEvents } from './collector.ts';
import type { Selection } from './vitest-instance.ts';
import { listCriteria } from './list.ts';
import { nothingSelected, requireCriteria } from './selected.ts';
import { blockedReason, planRun, plannedSuites, PRECONDITIONS, type RunPlan } from './preconditions.ts';
import type { IterationResult } from './types.ts';
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
  // Specs name what they make after the run (helpers/made.ts): the workers inherit it.
  process.env.FLEETGATE_RUN_ID = id;
  const stop = new RunAbort({ log: (line) => progress.log(line), timeoutSeconds: options.timeoutSeconds });
  const uninstall = stop.install();
  let current: RunningIteration | undefined;
  let phase: Phase = 'iteration';
  let collection: Target | undefined;
  let target: Target | undefined;
  let reports: RunReports | undefined;
  stop.onAbort(() => void current?.cancel());
  // Exiting now (a second stop request): what finished is written, what was started removed, synchronously.
  stop.onExitNow(() => {
    if (current) reports?.add(current.partial(), phase);
    reports?.finish(EXIT.aborted, stop.reason);
  });
  stop.onExitNow(() => {
    killRunBrowsersNow(id);
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
    let plan: RunPlan;
    try {
      selection = {
        role: selectedRole(options.role, collection, dirs),
        suitesDirs: options.suitesDirs,
        suites: options.suites,
        ...(options.grep ? { grep: options.grep } : {}),
        allowDestructive: options.allowDestructive,
      };
      plan = planRun(selection);
      if (options.list) return await printList(plan, selection, progress);
      await requireCriteria(plan.selected ?? plan.preconditions ?? selection);
    } finally {
      if (collection !== target) await collection.release();
    }

    const node = collection.profile.node;
    reports = new RunReports({ id, node, role: selection.role, iterations: options.iterations, suites: plannedSuites(plan), startedAt, out: options.out });
    target ??= await startReference(id, stop, progress, dirs);
    let blocked: string | null = null;
    const written = reports;
    if (target) {
      const then = plan.selected ? `suites ${plan.selected.suites.join(', ')}, ${options.iterations} iteration(s)` : '';
      const first = plan.preconditions ? `${PRECONDITIONS} first (once)${then ? ', then ' : ''}` : '';
      progress.log(`fleetgate: ${node} (${selection.role}), ${first}${then}`);
      /** One run of a selection: progress, the abort, its report; partial when a stop request cut it short. */
      const iterate = async (i: number, of: number, what: Selection, as: Phase): Promise<IterationResult> => {
        phase = as;
        progress.iterationStart(i, of, as === 'preconditions' ? PRECONDITIONS : undefined);
        const running = runningCriteria(stop, progress);
        current = runIteration(i, what, running.events, { out: options.out, iteration: i, folder: as === 'preconditions' ? PRECONDITIONS : String(i) });
        const result = (await Promise.race([current.result, stop.graceOver])) ?? current.partial();
        current = undefined;
        running.forget();
        written.add(result, as);
        if (result.partial) return result;
        const name = as === 'preconditions' ? PRECONDITIONS : `iteration ${i}`;
        for (const e of result.errors) progress.log(`  ! ${name}: ${e.type}: ${e.message}\n${indent(e.detail.split('\n').slice(0, 8).join('\n'))}`);
        progress.iterationEnd(result.durationMs);
        return result;
      };
      // A precondition is a fact about the node, not a criterion that may flake: it runs once, first.
      if (plan.preconditions && !stop.reason) {
        const result = await iterate(1, 1, plan.preconditions, 'preconditions');
        if (!result.partial) blocked = blockedReason(classify([result]), plan.selected?.suites ?? []);
      }
      for (let i = 1; plan.selected && !blocked && i <= options.iterations && !stop.reason; i++) {
        if ((await iterate(i, options.iterations, plan.selected, 'iteration')).partial) break;
      }
    }

    const verdicts = reports.verdicts();
    const aborted = stop.reason;
    if (!aborted && verdicts.length === 0) throw nothingSelected(selection);
    if (aborted) blocked = null;
    const exitCode = aborted ? EXIT.aborted : !blocked && gatePasses(verdicts) ? EXIT.pass : EXIT.fail;
    reports.finish(exitCode, aborted, blocked);
    const latestNote = linkLatest(options.reportsDir, options.out);
    if (blocked) progress.log(`fleetgate: BLOCKED: ${blocked}`);
    progress.table(verdicts);
    progress.log(`reports: ${options.out}`);
    if (latestNote) progress.log(latestNote);
    return exitCode;
  } finally {
    // A browser whose spec file was cut short (the gate stopped) is not left running.
    await stopRunBrowsers(id);
    await target?.release();
    rmSync(attachmentsStaging(), { recursive: true, force: true });
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

/** --list: the preconditions first (they run first), then the selected suites. */
export async function printList(plan: RunPlan, selection: Selection, progress: Progress): Promise<number> {
  const parts = [plan.preconditions, plan.selected].filter((s): s is Selection => s !== null);
  const listed = [];
  for (const part of parts.length ? parts : [selection]) listed.push(await listCriteria(part));
  const criteria = listed.flatMap((l) => l.criteria);
  const errors = listed.flatMap((l) => l.errors);
  const first = plan.preconditions ? listed[0]!.criteria.filter((c) => !c.refused).length : 0;
  for (const c of criteria) progress.log(`${c.refused ? '(refused: destructive, needs --allow-destructive) ' : ''}${c.id}${c.tags.length ? `  [${c.tags.join(', ')}]` : ''}`);
  for (const e of errors) progress.log(`! ${e}`);
  progress.log(`${criteria.filter((c) => !c.refused).length} criteria would run for ${selection.role}${first ? ` (${first} ${PRECONDITIONS} first)` : ''}`);
  return errors.length ? EXIT.usage : EXIT.pass;
}
