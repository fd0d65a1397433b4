// summary.md: what a person reads in ten seconds, then the evidence of what failed.
import type { AttachmentItem, CriterionVerdict } from '../gate/types.ts';
import type { RunRecord } from './results.ts';
import { MARK, rows, countsLine } from './table.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** A Markdown link to an attachment (paths are relative to the report folder, where summary.md is). */
const link = (a: AttachmentItem): string => `[${a.name.replace(/[[\]]/g, '')}](${encodeURI(a.path)})`;

/** One line per criterion with attachments: those of its latest iteration (a failing criterion lists all of them above). */
function attachmentLines(verdicts: readonly CriterionVerdict[]): string[] {
  const lines = verdicts.flatMap((v) => {
    const all = v.attachments ?? [];
    const latest = Math.max(0, ...all.map((a) => a.iteration));
    const shown = all.filter((a) => a.iteration === latest);
    return shown.length ? [`- ${cell(v.id)} (iteration ${latest}): ${shown.map(link).join(' · ')}`] : [];
  });
  return lines.length ? ['', '## Attachments', '', ...lines] : [];
}

/** Says that (and how much of) an interrupted iteration counts. */
function partialLine(iteration: number, verdicts: readonly CriterionVerdict[]): string {
  const n = verdicts.filter((v) => v.outcomes.length === iteration).length;
  return `- iteration ${iteration} was interrupted: the ${n} ${n === 1 ? 'criterion that finished in it is' : 'criteria that finished in it are'} included`;
}

export function summaryMarkdown(run: RunRecord, verdicts: readonly CriterionVerdict[]): string {
  const verdict = run.aborted ? `ABORTED (${run.aborted})` : run.blocked ? 'BLOCKED' : run.exitCode === 0 ? 'PASS' : 'FAIL';
  const lines = [
    `# fleetgate ${verdict}: ${run.node} (${run.role})`,
    '',
    ...(run.blocked ? [`- blocked: ${run.blocked}`] : []),
    `- run \`${run.id}\`, ${run.completedIterations}/${run.iterations} iterations, suites: ${run.suites.join(', ')}`,
    ...(run.partialIteration ? [partialLine(run.partialIteration, verdicts)] : []),
    `- ${run.startedAt} → ${run.finishedAt}, exit code ${run.exitCode}`,
    `- ${countsLine(verdicts)}`,
    '',
    '| | verdict | passed | criterion | reason |',
    '|---|---|---|---|---|',
    ...rows(verdicts).map((r) => `| ${MARK[r.verdict]} | ${r.verdict} | ${r.runs} | ${cell(r.criterion)} | ${cell(r.reason)} |`),
  ];
  const failing = verdicts.filter((v) => v.verdict !== 'pass' && v.verdict !== 'skipped');
  if (failing.length) lines.push('', '## Evidence', '');
  for (const v of failing) {
    lines.push(`### ${v.id}`, '', `- outcomes by iteration: ${v.outcomes.join(', ')}`);
    v.errors.forEach((e, i) => e && lines.push(`- iteration ${i + 1}: ${cell(e.message)}`));
    for (const e of v.evidence) lines.push(`- ${e.label}: \`${cell(e.value)}\``);
    for (const a of v.attachments ?? []) lines.push(`- iteration ${a.iteration}: ${link(a)}`);
    lines.push('');
  }
  lines.push(...attachmentLines(verdicts));
  return `${lines.join('\n')}\n`;
}
