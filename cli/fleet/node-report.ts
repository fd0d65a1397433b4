// What one node of a fleet came back with: its own report directory (results.json), or why it has none.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readYaml, validateYaml } from '../../helpers/validated-yaml.ts';
import type { ResultsDocument } from '../report/results.ts';
import type { Verdict } from '../gate/types.ts';

/** A node's state in the fleet: its gate's verdict, or that the gate never ran there. */
export type NodeStatus = 'pass' | 'fail' | 'blocked' | 'unreachable' | 'aborted';

export interface NodeReport {
  name: string;
  role: string;
  status: NodeStatus;
  /** One line: why it is not `pass`. */
  reason: string | null;
  /** The node's report directory, when one came back. */
  dir: string | null;
  results: ResultsDocument | null;
}

const WORST: readonly Verdict[] = ['broken', 'blocked', 'flaky', 'pass', 'skipped'];

/** The worst verdict among criteria: what a suite (or a node) shows in the matrix. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict | null {
  return WORST.find((v) => verdicts.includes(v)) ?? null;
}

/** Read a node's report directory; a missing or unreadable results.json is said in one line. */
export function readNodeReport(dir: string): ResultsDocument {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new Error(`${dir}: no results.json nor ${OUTCOME_FILE} (not a fleetgate report directory)`);
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ResultsDocument;
    if (!doc.run?.node || !Array.isArray(doc.criteria)) throw new Error('not a fleetgate results.json');
    return doc;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A node whose gate ran: its status from its own results. */
export function reportOf(doc: ResultsDocument, dir: string): NodeReport {
  const { run } = doc;
  const blocked = run.blocked ?? null;
  const status: NodeStatus = blocked ? 'blocked' : run.aborted ? 'aborted' : run.exitCode === 0 ? 'pass' : 'fail';
  const failing = doc.criteria.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skipped');
  const reason = blocked ?? run.aborted ?? (failing.length ? `${failing.length} criteria not passing, e.g. ${failing[0]!.id}: ${failing[0]!.lastError ?? failing[0]!.verdict}` : null);
  return { name: run.node, role: run.role, status, reason, dir, results: doc };
}

/** A node that was reached but brought back no report (the gate refused, shipping failed): it failed, with why. */
export function failedReport(name: string, role: string, reason: string): NodeReport {
  return { name, role, status: 'fail', reason, dir: null, results: null };
}

/** A node the transport could not reach: reported as such, never as failed criteria. */
export function unreachableReport(name: string, role: string, reason: string): NodeReport {
  return { name, role, status: 'unreachable', reason, dir: null, results: null };
}

/**
 * What a collector (the playbook, a node pushing to a collector) writes for a node that sent no gate
 * report, in place of results.json: so the merged report says `unreachable` or `fail` with why, instead of
 * leaving the node out.
 */
export const OUTCOME_FILE = 'outcome.json';

const outcomeSchema = z.strictObject({
  node: z.string().min(1),
  role: z.string().min(1),
  status: z.enum(['fail', 'unreachable']),
  reason: z.string().min(1),
});

export type NodeOutcome = z.infer<typeof outcomeSchema>;

/** A node's report directory as it came back: its gate's results.json, else the collector's outcome.json. */
export function readNodeDir(dir: string, shownAs: string): NodeReport {
  if (existsSync(join(dir, 'results.json')) || !existsSync(join(dir, OUTCOME_FILE))) return reportOf(readNodeReport(dir), shownAs);
  const { node, role, status, reason } = validateYaml(readYaml(join(dir, OUTCOME_FILE), 'node outcome'), outcomeSchema);
  return status === 'unreachable' ? unreachableReport(node, role, reason) : failedReport(node, role, reason);
}
