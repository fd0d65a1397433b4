// The fleet's reports, from each node's: one merged junit.xml (a testsuite per node and suite),
// results.json for the fleet, fleet.md, and the node × suite matrix for the terminal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetJunit, type FleetNodeJunit } from '../report/junit.ts';
import type { ResultsCriterion } from '../report/results.ts';
import { MARK } from '../report/table.ts';
import { worstVerdict, type NodeReport, type NodeStatus } from './node-report.ts';
import { EXIT } from '../exit-codes.ts';
import { underFolder } from '../report/attachments.ts';

export interface FleetRun {
  id: string;
  iterations: number;
  startedAt: string;
  finishedAt: string;
  aborted: string | null;
}

export interface FleetResults {
  fleet: FleetRun & { exitCode: number; nodes: number; passed: number };
  nodes: { name: string; role: string; status: NodeStatus; reason: string | null; report: string | null; exitCode: number | null; suites: Record<string, string> }[];
  criteria: (ResultsCriterion & { node: string; role: string })[];
}

const STATUS_MARK: Record<NodeStatus, string> = { pass: '✓', fail: '✗', blocked: '⊘', unreachable: '?', aborted: '!' };

/** 0 only if every node passed; 3 if the run was aborted; 1 otherwise (failed, blocked or unreachable). */
export function fleetExitCode(nodes: readonly NodeReport[], aborted: string | null): number {
  if (aborted) return EXIT.aborted;
  return nodes.length > 0 && nodes.every((n) => n.status === 'pass') ? EXIT.pass : EXIT.fail;
}

/** Each node's verdict per suite: the worst of its criteria there; `unreachable`/`blocked` when it never ran. */
export function suiteMatrix(nodes: readonly NodeReport[]): { suites: string[]; rows: { node: NodeReport; cells: Record<string, string> }[] } {
  const suites = [...new Set(nodes.flatMap((n) => n.results?.criteria.map((c) => c.suite) ?? []))].filter((s) => s !== '(run)').sort();
  const rows = nodes.map((node) => {
    const cells: Record<string, string> = {};
    for (const suite of suites) {
      const verdicts = node.results?.criteria.filter((c) => c.suite === suite).map((c) => c.verdict) ?? [];
      cells[suite] = node.status === 'unreachable' ? 'unreachable' : worstVerdict(verdicts) ?? (node.status === 'blocked' ? 'not run' : '-');
    }
    return { node, cells };
  });
  return { suites, rows };
}

export function fleetResults(run: FleetRun, nodes: readonly NodeReport[]): FleetResults {
  const { rows } = suiteMatrix(nodes);
  return {
    fleet: { ...run, exitCode: fleetExitCode(nodes, run.aborted), nodes: nodes.length, passed: nodes.filter((n) => n.status === 'pass').length },
    nodes: rows.map(({ node, cells }) => ({
      name: node.name, role: node.role, status: node.status, reason: node.reason, report: node.dir, exitCode: node.results?.run.exitCode ?? null, suites: cells,
    })),
    criteria: nodes.flatMap((n) => (n.results?.criteria ?? []).map((c) => ({ node: n.name, role: n.role, ...c }))),
  };
}

/** The matrix as text lines (terminal and fleet.md share it). */
export function matrixLines(nodes: readonly NodeReport[], markdown: boolean): string[] {
  const { suites, rows } = suiteMatrix(nodes);
  const head = ['', 'node', 'role', 'status', ...suites, 'reason'];
  const body = rows.map(({ node, cells }) => [STATUS_MARK[node.status], node.name, node.role, node.status, ...suites.map((s) => cells[s]!), node.reason ?? '']);
  if (markdown) {
    const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)];
  }
  const widths = head.map((h, i) => Math.min(i === head.length - 1 ? 200 : 40, Math.max(h.length, ...body.map((r) => r[i]!.length))));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c.slice(0, 160) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...body.map(line)];
}

export function fleetMarkdown(run: FleetRun, nodes: readonly NodeReport[]): string {
  const exitCode = fleetExitCode(nodes, run.aborted);
  const verdict = run.aborted ? `ABORTED (${run.aborted})` : exitCode === 0 ? 'PASS' : 'FAIL';
  const lines = [
    `# fleetgate fleet ${verdict}: ${nodes.filter((n) => n.status === 'pass').length}/${nodes.length} nodes passed`,
    '',
    `- run \`${run.id}\`, ${run.iterations} iteration(s) per node, ${run.startedAt} → ${run.finishedAt}, exit code ${exitCode}`,
    '',
    ...matrixLines(nodes, true),
  ];
  const failing = nodes.flatMap((n) => (n.results?.criteria ?? []).filter((c) => c.verdict !== 'pass' && c.verdict !== 'skipped').map((c) => ({ n, c })));
  if (failing.length) lines.push('', '## Criteria not passing', '');
  for (const { n, c } of failing) lines.push(`- ${MARK[c.verdict]} **${n.name}** ${c.id} — ${c.verdict} ${c.passed}/${c.outcomes.length}: ${(c.lastError ?? '').replace(/\n/g, ' ')}`);
  lines.push('', 'Each node\'s own report (junit.xml, results.json, summary.md) is in its directory under `nodes/`.');
  return `${lines.join('\n')}\n`;
}

/** A node's attachment paths as the fleet's folder sees them: under the node's own report folder. */
export function rebasedAttachments(node: NodeReport): NodeReport {
  const { results, dir } = node;
  if (!results || !dir) return node;
  const criteria = results.criteria.map((c) => (c.attachments?.length ? { ...c, attachments: c.attachments.map((a) => underFolder(a, dir)) } : c));
  return { ...node, results: { ...results, criteria } };
}

/** Write junit.xml, results.json and fleet.md for the fleet under outDir. */
export function writeFleetReports(outDir: string, run: FleetRun, reported: readonly NodeReport[]): number {
  mkdirSync(outDir, { recursive: true });
  const nodes = reported.map(rebasedAttachments);
  const junitNodes: FleetNodeJunit[] = nodes.map((n) => ({
    run: { runId: n.results?.run.id ?? run.id, node: n.name, role: n.role, iterations: n.results?.run.completedIterations ?? 0, startedAt: n.results?.run.startedAt ?? run.startedAt },
    verdicts: n.results?.criteria ?? [],
    ...(n.status === 'unreachable' ? { unreachable: n.reason ?? 'unreachable' } : {}),
  }));
  const wallMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  writeFileSync(join(outDir, 'junit.xml'), fleetJunit(junitNodes, `fleetgate fleet ${run.id}`, wallMs));
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(fleetResults(run, nodes), null, 2)}\n`);
  writeFileSync(join(outDir, 'fleet.md'), fleetMarkdown(run, nodes));
  return fleetExitCode(nodes, run.aborted);
}
