// JUnit XML as Jenkins (xUnit, junit-10.xsd), GitLab and Surefire read it. Byte-stable: sorted, no
// machine-specific paths. A flaky criterion carries one <flakyFailure> per failed iteration and, because
// the gate fails on it, one <failure type="flaky">; blocked is an <error type="blocked">.
// One node's file has a testsuite per spec file; a fleet's, a testsuite per node and suite.
import { element, seconds, xmlText } from './xml.ts';
import { underFolder } from './attachments.ts';
import type { AttachmentItem, CriterionError, CriterionVerdict, EvidenceItem, Outcome, Verdict } from '../gate/types.ts';

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
  run: JunitRun;
  id: string;
  suite: string;
  file: string;
  path: string;
  title: string;
  timeMs: number;
  state: Verdict | Outcome | 'unreachable';
  error: CriterionError | null;
  /** merged file: each failed iteration or retried attempt, for <flakyFailure> */
  failedIterations: { label: string; error: CriterionError }[];
  summary: string;
  evidence: EvidenceItem[];
  /** Paths relative to this document's folder (or URLs). */
  attachments: AttachmentItem[];
}

interface Grouping {
  /** Cases with one key share a testsuite. */
  key(c: CaseModel): string;
  /** The testsuite's name after `<node>/<role>/`. */
  label(c: CaseModel): string;
  /** The spec file, when a testsuite is one file. */
  file(c: CaseModel): string | undefined;
}

const BY_FILE: Grouping = {
  key: (c) => c.path || c.suite,
  label: (c) => (c.file ? `${c.suite}/${c.file}` : c.suite),
  file: (c) => c.path || undefined,
};

const BY_NODE_AND_SUITE: Grouping = {
  key: (c) => `${c.run.node}\u0000${c.suite}`,
  label: (c) => c.suite,
  file: () => undefined,
};

const FAILURE_STATES = new Set(['broken', 'flaky', 'fail']);
const ERROR_STATES = new Set(['blocked', 'unreachable']);

function caseXml(c: CaseModel): string {
  const parts: string[] = [];
  const message = c.error?.message ?? '';
  if (c.state === 'flaky') {
    parts.push(element('failure', { type: 'flaky', message: `${c.summary}: ${message}` }, xmlText(c.summary)));
    for (const { label, error } of c.failedIterations) {
      parts.push(element('flakyFailure', { type: error.type, message: `${label}: ${error.message}` },
        element('stackTrace', {}, xmlText(error.detail || error.message))));
    }
  } else if (FAILURE_STATES.has(c.state)) {
    parts.push(element('failure', { type: c.state === 'broken' ? 'broken' : (c.error?.type ?? 'failure'), message }, xmlText(c.error?.detail || message)));
  } else if (ERROR_STATES.has(c.state)) {
    parts.push(element('error', { type: c.state, message }, xmlText(c.error?.detail || message)));
  } else if (c.state === 'skipped' || c.state === 'skip') {
    parts.push(element('skipped', { message: message || 'skipped' }));
  }
  // Each attachment on its own line, as the Jenkins junit-attachments plugin, GitLab and Azure read them.
  const out = [c.summary, ...c.evidence.map((e) => `evidence ${e.label}: ${e.value}`), ...c.attachments.map((a) => `[[ATTACHMENT|${a.path}]]`)].join('\n');
  parts.push(element('system-out', {}, xmlText(out)));
  const classname = [c.run.node, c.run.role, c.suite, c.file.replace(/\.spec\.ts$/, '').replace(/\//g, '.')].filter(Boolean).join('.');
  return element('testcase', { name: c.title, classname, time: seconds(c.timeMs) }, parts.join(''));
}

function documentXml(cases: CaseModel[], name: string, timeMs: number, grouping: Grouping): string {
  const groups = new Map<string, CaseModel[]>();
  const order = (c: CaseModel): string => `${c.run.node}\u0000${c.id}`;
  for (const c of [...cases].sort((a, b) => order(a).localeCompare(order(b)))) {
    const key = grouping.key(c);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const count = (list: CaseModel[], states: Set<string>): number => list.filter((c) => states.has(c.state)).length;
  const SKIPS = new Set(['skipped', 'skip']);
  const suites = [...groups.values()].map((list, i) => {
    const first = list[0]!;
    const { node, role, iterations, runId, startedAt } = first.run;
    const properties = [
      ['node', node], ['role', role], ['suite', first.suite], ['iterations', String(iterations)], ['run.id', runId],
      ...(first.run.partialIteration ? [['partialIteration', String(first.run.partialIteration)]] : []),
      ...list.flatMap((c) => c.evidence.map((e) => [`evidence ${c.title} › ${e.label}`, e.value])),
    ].map(([propertyName, value]) => element('property', { name: propertyName!, value: value! })).join('');
    const file = grouping.file(first);
    return element('testsuite', {
      name: `${node}/${role}/${grouping.label(first)}`,
      tests: list.length, failures: count(list, FAILURE_STATES), errors: count(list, ERROR_STATES), skipped: count(list, SKIPS),
      time: seconds(list.reduce((t, c) => t + c.timeMs, 0)), timestamp: startedAt.replace(/\.\d+Z$/, ''),
      hostname: node, id: i, package: `${node}.${role}`,
      ...(file ? { file } : {}),
    }, element('properties', {}, properties) + list.map(caseXml).join(''));
  });
  const header = '<?xml version="1.0" encoding="UTF-8"?>\n';
  return header + element('testsuites', {
    name, time: seconds(timeMs), tests: cases.length, failures: count(cases, FAILURE_STATES), errors: count(cases, ERROR_STATES),
  }, `\n${suites.join('\n')}\n`) + '\n';
}

const mean = (values: (number | null)[]): number => {
  const real = values.filter((v): v is number => v !== null);
  return real.length ? real.reduce((a, b) => a + b, 0) / real.length : 0;
};

export function describeCounts(v: CriterionVerdict): string {
  const n = v.outcomes.length;
  const retried = v.retried.filter((a) => a.length > 0).length;
  const extra = [
    v.failed ? `failed ${v.failed}/${n}` : '', retried ? `needed a retry in ${retried}/${n}` : '',
    v.blocked ? `blocked ${v.blocked}/${n}` : '', v.skipped ? `skipped ${v.skipped}/${n}` : '',
  ].filter(Boolean);
  return `${v.verdict}: passed ${v.passed}/${n}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

function verdictCases(verdicts: readonly CriterionVerdict[], run: JunitRun): CaseModel[] {
  return verdicts.map((v) => ({
    run, id: v.id, suite: v.suite, file: v.file, path: v.path, title: v.title, timeMs: mean(v.durationsMs), state: v.verdict,
    error: [...v.errors].reverse().find((e) => e !== null) ?? null,
    failedIterations: v.outcomes.flatMap((outcome, i) => [
      ...v.retried[i]!.map((error, k) => ({ label: `iteration ${i + 1}, attempt ${k + 1}`, error })),
      ...(v.errors[i] && (outcome === 'fail' || outcome === 'missing') ? [{ label: `iteration ${i + 1}`, error: v.errors[i] }] : []),
    ]),
    summary: `${describeCounts(v)} · durations ms: ${v.durationsMs.map((d) => d ?? '-').join(', ')}`,
    evidence: v.evidence,
    attachments: v.attachments ?? [],
  }));
}

/** The merged file over all iterations. */
export function mergedJunit(verdicts: readonly CriterionVerdict[], run: JunitRun, timeMs: number): string {
  return documentXml(verdictCases(verdicts, run), `fleetgate ${run.node} (${run.role})`, timeMs, BY_FILE);
}

/** One iteration's file. */
export function iterationJunit(verdicts: readonly CriterionVerdict[], iteration: number, run: JunitRun, timeMs: number): string {
  const i = iteration - 1;
  const single = { ...run, iterations: 1 };
  return documentXml(verdicts.flatMap((v) => {
    const outcome = v.outcomes[i];
    if (outcome === undefined) return [];
    return [{
      run: single, id: v.id, suite: v.suite, file: v.file, path: v.path, title: v.title, timeMs: v.durationsMs[i] ?? 0,
      state: outcome === 'missing' ? 'fail' : outcome, error: v.errors[i] ?? null, failedIterations: [],
      summary: `iteration ${iteration}: ${outcome}`, evidence: [],
      // iterations/<i>.xml sits one folder below the report's attachments/.
      attachments: (v.attachments ?? []).filter((a) => a.iteration === iteration).map((a) => underFolder(a, '..')),
    }];
  }), `fleetgate ${run.node} (${run.role})`, timeMs, BY_FILE);
}

/** A node of a fleet: its criteria, or why there are none (the transport could not reach it). */
export interface FleetNodeJunit {
  run: JunitRun;
  verdicts: readonly CriterionVerdict[];
  unreachable?: string;
}

/** The fleet's file: a testsuite per node and suite; an unreachable node is one <error type="unreachable">. */
export function fleetJunit(nodes: readonly FleetNodeJunit[], name: string, timeMs: number): string {
  const cases = nodes.flatMap((node) => (node.unreachable === undefined
    ? verdictCases(node.verdicts, node.run)
    : [{
      run: node.run, id: '(node)::reachable', suite: '(node)', file: '', path: '', title: 'node is reachable', timeMs: 0, state: 'unreachable' as const,
      error: { type: 'unreachable', message: node.unreachable, detail: node.unreachable }, failedIterations: [], summary: `unreachable: ${node.unreachable}`, evidence: [], attachments: [],
    }]));
  return documentXml(cases, name, timeMs, BY_NODE_AND_SUITE);
}
