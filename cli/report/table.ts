// The end-of-run table: one row per criterion, failing ones first, the reason in one line.
import type { CriterionVerdict, Verdict } from '../gate/types.ts';

const ORDER: Record<Verdict, number> = { broken: 0, blocked: 1, flaky: 2, pass: 3, skipped: 4 };
export const MARK: Record<Verdict, string> = { pass: '✓', flaky: '~', broken: '✗', blocked: '⊘', skipped: '-' };

export interface Row {
  verdict: Verdict;
  runs: string;
  criterion: string;
  reason: string;
}

export function rows(verdicts: readonly CriterionVerdict[]): Row[] {
  return [...verdicts]
    .sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict] || a.id.localeCompare(b.id))
    .map((v) => ({
      verdict: v.verdict,
      runs: `${v.passed}/${v.outcomes.length}`,
      criterion: v.file ? `${v.suite}/${v.file.replace(/\.spec\.ts$/, '')} › ${v.title}` : v.title,
      reason: v.verdict === 'pass' ? '' : (v.lastError ?? ''),
    }));
}

export function counts(verdicts: readonly CriterionVerdict[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { pass: 0, flaky: 0, broken: 0, blocked: 0, skipped: 0 };
  for (const v of verdicts) out[v.verdict]++;
  return out;
}

export function countsLine(verdicts: readonly CriterionVerdict[]): string {
  const c = counts(verdicts);
  return (Object.keys(c) as Verdict[]).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`).join(', ') || 'no criteria';
}
