// Everything a run writes under --out, and the reports/latest link.
import { mkdirSync, writeFileSync, symlinkSync, rmSync, lstatSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { classify } from '../gate/classify.ts';
import type { IterationResult } from '../gate/types.ts';
import { mergedJunit, iterationJunit, type JunitRun } from './junit.ts';
import { resultsDocument, type RunRecord } from './results.ts';
import { summaryMarkdown } from './summary.ts';
import { safeIterations, safeRecord } from './safe-values.ts';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function writeIterationReport(outDir: string, iterations: readonly IterationResult[], run: JunitRun): void {
  const latest = iterations.at(-1)!;
  write(join(outDir, 'iterations', `${latest.index}.xml`), iterationJunit(classify(safeIterations(iterations)), latest.index, run, latest.durationMs));
}

export function writeFinalReports(outDir: string, unsafeRecord: RunRecord, unsafeIterations: readonly IterationResult[]): void {
  const record = safeRecord(unsafeRecord);
  const iterations = safeIterations(unsafeIterations);
  const verdicts = classify(iterations);
  const junitRun: JunitRun = { runId: record.id, node: record.node, role: record.role, iterations: iterations.length, startedAt: record.startedAt };
  const wallMs = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  write(join(outDir, 'junit.xml'), mergedJunit(verdicts, junitRun, wallMs));
  write(join(outDir, 'results.json'), `${JSON.stringify(resultsDocument(record, verdicts, iterations), null, 2)}\n`);
  write(join(outDir, 'summary.md'), summaryMarkdown(record, verdicts));
}

/** reports/latest → this run, when the run writes inside reports/. */
export function linkLatest(reportsDir: string, outDir: string): void {
  const link = join(reportsDir, 'latest');
  const target = relative(reportsDir, resolve(outDir));
  if (target.startsWith('..')) return;
  try {
    if (lstatSync(link)) rmSync(link, { force: true, recursive: false });
  } catch {
    // no previous link
  }
  symlinkSync(target, link);
}
