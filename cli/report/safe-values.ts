// Reports are built from redacted values, never redacted as documents: a short secret such as `1234`
// would otherwise rewrite markup, ids or numbers and leave an invalid file.
import { redact } from '../../helpers/redact.ts';
import type { CriterionError, CriterionRun, IterationResult } from '../gate/types.ts';
import type { RunRecord } from './results.ts';

function safeError(error: CriterionError): CriterionError {
  return { type: error.type, message: redact(error.message), detail: redact(error.detail) };
}

function safeRun(run: CriterionRun): CriterionRun {
  return {
    ...run,
    ...(run.error ? { error: safeError(run.error) } : {}),
    ...(run.attempts ? { attempts: run.attempts.map(safeError) } : {}),
    evidence: run.evidence.map((e) => ({ label: redact(e.label), value: redact(e.value) })),
    ...(run.attachments ? { attachments: run.attachments.map((a) => ({ ...a, name: redact(a.name) })) } : {}),
  };
}

/** Every free-text value (messages, stacks, evidence) masked; ids, outcomes and numbers untouched. */
export function safeIterations(iterations: readonly IterationResult[]): IterationResult[] {
  return iterations.map((it) => ({ ...it, runs: it.runs.map(safeRun), errors: it.errors.map(safeError) }));
}

export function safeRecord(record: RunRecord): RunRecord {
  const blocked = record.blocked ? { blocked: redact(record.blocked) } : {};
  return { ...record, aborted: record.aborted === null ? null : redact(record.aborted), ...blocked };
}
