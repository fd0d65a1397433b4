// JUnit XML as Jenkins (xUnit, junit-10.xsd), GitLab and Surefire read it. Byte-stable: sorted, no
// machine-specific paths. A flaky criterion carries one <flakyFailure> per failed iteration and, because
// the gate fails on it, one <failure type="flaky">; blocked is an <error type="blocked">.
import { element, seconds, xmlText } from './xml.ts';
import type { CriterionError, CriterionVerdict, EvidenceItem, Outcome, Verdict } from '../gate/types.ts';

export interface JunitRun {
  runId: string;
  node: string;
  role: string;
  iterations: number;
  startedAt: string;
  /** The interrupted iteration, when its finished criteria are included. */
  partialIteration?: number | null;
}

/** The testcase's state in this document: a verdict (merged file) or one iteration's outcome. */
interface CaseModel {
  id: string;
  suite: string;
  file: string;
  title: string;
  timeMs: number;
  state: Verdict | Outcome;
  error: CriterionError | null;
  /** merged file: the failed iterations, for <flakyFailure> */
  failedIterations: { iteration: number; error: CriterionError }[];
  summary: string;
  evidence: EvidenceItem[];
}

const FAILURE_STATES = new Set(['broken', 'flaky', 'fail']);

function caseXml(c: CaseModel, run: JunitRun): string {
  const parts: string[] = [];
  const message = c.error?.message ?? '';
  if (c.state === 'flaky') {
    parts.push(element('failure', { type: 'flaky', message: `${c.summary}: ${message}` }, xmlText(c.summary)));
    for (const { iteration, error } of c.failedIterations) {
      parts.push(element('flakyFailure', { type: error.type, message: `iteration ${iteration}: ${error.message}` },
        element('stackTrace', {}, xmlText(error.detail || error.message))));
    }
  } else if (FAILURE_STATES.has(c.state)) {
    parts.push(element('failure', { type: c.state === 'broken' ? 'broken' : (c.error?.type ?? 'failure'), message }, xmlText(c.error?.detail || message)));
  } else if (c.state === 'blocked') {
    parts.push(element('error', { type: 'blocked', message }, xmlText(c.error?.detail || message)));
  } else if (c.state === 'skipped' || c.state === 'skip') {
    parts.push(element('skipped', { message: message || 'skipped' }));
  }
  const out = [c.summary, ...c.evidence.map((e) => `evidence ${e.label}: ${e.value}`)].join('\n');
  parts.push(element('system-out', {}, xmlText(out)));
  const classname = [run.node, run.role, c.suite, c.file.replace(/\.spec\.ts$/, '').replace(/\//g, '.')].filter(Boolean).join('.');
  return element('testcase', { name: c.title, classname, time: seconds(c.timeMs) }, parts.join(''));
}

function documentXml(cases: CaseModel[], run: JunitRun, timeMs: number): string {
  const groups = new Map<string, CaseModel[]>();
  for (const c of [...cases].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = c.file ? `${c.suite}/${c.file}` : c.suite;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const count = (list: CaseModel[], test: (c: CaseModel) => boolean): number => list.filter(test).length;
  const isFailure = (c: CaseModel): boolean => FAILURE_STATES.has(c.state);
  const isError = (c: CaseModel): boolean => c.state === 'blocked';
  const isSkip = (c: CaseModel): boolean => c.state === 'skipped' || c.state === 'skip';
  const suites = [...groups].map(([key, list], i) => {
    const properties = [
      ['node', run.node], ['role', run.role], ['suite', list[0]!.suite], ['iterations', String(run.iterations)], ['run.id', run.runId],
      ...(run.partialIteration ? [['partialIteration', String(run.partialIteration)]] : []),
      ...list.flatMap((c) => c.evidence.map((e) => [`evidence ${c.title} › ${e.label}`, e.value])),
    ].map(([name, value]) => element('property', { name: name!, value: value! })).join('');
    return element('testsuite', {
      name: `${run.node}/${run.role}/${key}`,
      tests: list.length, failures: count(list, isFailure), errors: count(list, isError), skipped: count(list, isSkip),
      time: seconds(list.reduce((t, c) => t + c.timeMs, 0)), timestamp: run.startedAt.replace(/\.\d+Z$/, ''),
      hostname: run.node, id: i, package: `${run.node}.${run.role}`,
      ...(list[0]!.file ? { file: `suites/${key}` } : {}),
    }, element('properties', {}, properties) + list.map((c) => caseXml(c, run)).join(''));
  });
  const header = '<?xml version="1.0" encoding="UTF-8"?>\n';
  return header + element('testsuites', {
    name: `fleetgate ${run.node} (${run.role})`, time: seconds(timeMs), tests: cases.length,
    failures: count(cases, isFailure), errors: count(cases, isError),
  }, `\n${suites.join('\n')}\n`) + '\n';
}

const mean = (values: (number | null)[]): number => {
  const real = values.filter((v): v is number => v !== null);
  return real.length ? real.reduce((a, b) => a + b, 0) / real.length : 0;
};

export function describeCounts(v: CriterionVerdict): string {
  const n = v.outcomes.length;
  const extra = [v.failed ? `failed ${v.failed}/${n}` : '', v.blocked ? `blocked ${v.blocked}/${n}` : '', v.skipped ? `skipped ${v.skipped}/${n}` : ''].filter(Boolean);
  return `${v.verdict}: passed ${v.passed}/${n}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

/** The merged file over all iterations. */
export function mergedJunit(verdicts: readonly CriterionVerdict[], run: JunitRun, timeMs: number): string {
  return documentXml(verdicts.map((v) => ({
    id: v.id, suite: v.suite, file: v.file, title: v.title, timeMs: mean(v.durationsMs), state: v.verdict,
    error: [...v.errors].reverse().find((e) => e !== null) ?? null,
    failedIterations: v.errors.flatMap((error, i) => (error && (v.outcomes[i] === 'fail' || v.outcomes[i] === 'missing') ? [{ iteration: i + 1, error }] : [])),
    summary: `${describeCounts(v)} · durations ms: ${v.durationsMs.map((d) => d ?? '-').join(', ')}`,
    evidence: v.evidence,
  })), run, timeMs);
}

/** One iteration's file. */
export function iterationJunit(verdicts: readonly CriterionVerdict[], iteration: number, run: JunitRun, timeMs: number): string {
  const i = iteration - 1;
  return documentXml(verdicts.flatMap((v) => {
    const outcome = v.outcomes[i];
    if (outcome === undefined) return [];
    return [{
      id: v.id, suite: v.suite, file: v.file, title: v.title, timeMs: v.durationsMs[i] ?? 0,
      state: outcome === 'missing' ? 'fail' : outcome, error: v.errors[i] ?? null, failedIterations: [],
      summary: `iteration ${iteration}: ${outcome}`, evidence: [],
    }];
  }), { ...run, iterations: 1 }, timeMs);
}
