// Everything a run writes under --out, and the reports/latest link.
import { mkdirSync, writeFileSync, symlinkSync, rmSync, lstatSync, renameSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { classify } from '../gate/classify.ts';
import { runVerdicts } from '../gate/preconditions.ts';
import type { IterationResult } from '../gate/types.ts';
import { mergedJunit, iterationJunit, type JunitRun } from './junit.ts';
import { resultsDocument, type RunRecord } from './results.ts';
import { summaryMarkdown } from './summary.ts';
import { safeIterations, safeRecord } from './safe-values.ts';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** iterations/<name>.xml of the node's preconditions (they run once, before iteration 1). */
export const PRECONDITIONS_FILE = 'preconditions';

/** iterations/<i>.xml (or `<name>.xml`) for the last of the iterations (complete, or interrupted and so marked). */
export function writeIterationReport(outDir: string, iterations: readonly IterationResult[], run: JunitRun, name?: string): void {
  const latest = iterations.at(-1)!;
  const marked = { ...run, partialIteration: latest.partial ? latest.index : null };
  write(join(outDir, 'iterations', `${name ?? latest.index}.xml`), iterationJunit(classify(safeIterations(iterations)), latest.index, marked, latest.durationMs));
}

/** junit.xml, results.json and summary.md over the preconditions (when any ran) and the iterations (the last one may be partial). */
export function writeFinalReports(outDir: string, unsafeRecord: RunRecord, unsafeIterations: readonly IterationResult[], unsafePreconditions?: IterationResult): void {
  const record = safeRecord(unsafeRecord);
  const iterations = safeIterations(unsafeIterations);
  const [preconditions] = unsafePreconditions ? safeIterations([unsafePreconditions]) : [];
  const verdicts = runVerdicts(preconditions, iterations);
  const junitRun: JunitRun = {
    runId: record.id, node: record.node, role: record.role, iterations: Math.max(iterations.length, preconditions ? 1 : 0), startedAt: record.startedAt, partialIteration: record.partialIteration,
  };
  const wallMs = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  write(join(outDir, 'junit.xml'), mergedJunit(verdicts, junitRun, wallMs));
  write(join(outDir, 'results.json'), `${JSON.stringify(resultsDocument(record, verdicts, preconditions ? [preconditions, ...iterations] : iterations), null, 2)}\n`);
  write(join(outDir, 'summary.md'), summaryMarkdown(record, verdicts));
}

const LATEST = 'latest';

/** A path that exists and is not a symbolic link: a directory or file someone made, not ours to replace. */
function existsAsNonLink(path: string): boolean {
  try {
    return !lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // the directory it would be in is not there: nothing was made
  }
}

/**
 * reports/latest → this run, when the run writes inside reports/. Never fails or destroys a run: returns
 * one line saying why the link was not updated (for the terminal), or null.
 */
export function linkLatest(reportsDir: string, outDir: string): string | null {
  const link = join(reportsDir, LATEST);
  const target = relative(reportsDir, resolve(outDir));
  if (target.startsWith('..') || isAbsolute(target)) return null;
  const skipped = (why: string): string => `reports/latest not updated: ${why}`;
  if (target === '') return skipped('--out is the reports directory itself');
  if (target === LATEST || target.startsWith(`${LATEST}${sep}`)) return skipped('--out is reports/latest or inside it');
  if (existsAsNonLink(link)) return skipped('it is not a link (left as it is)');
  // Made beside it and renamed over it: latest is never missing, and the old link goes only once the new one exists.
  const temp = join(reportsDir, `.${LATEST}-${process.pid}`);
  try {
    rmSync(temp, { force: true });
    symlinkSync(target, temp);
    renameSync(temp, link);
    return null;
  } catch (error) {
    removeQuietly(temp);
    return skipped((error as Error).message.split('\n')[0]!);
  }
}
