// Evidence: facts a spec saw, attached to the criterion (Vitest annotations) so they reach the reports.
import { inspect } from 'node:util';
import { redact } from './redact.ts';

export const EVIDENCE_TYPE = 'evidence';

export type Annotate = (message: string, type?: string) => Promise<unknown>;
export type Evidence = (label: string, value: unknown) => Promise<void>;

export function formatEvidence(label: string, value: unknown): string {
  const text = typeof value === 'string' ? value : inspect(value, { depth: 4, breakLength: Infinity, compact: true });
  return redact(`${label}: ${text}`);
}

export function evidenceRecorder(annotate: Annotate): Evidence {
  return async (label, value) => {
    await annotate(formatEvidence(label, value), EVIDENCE_TYPE);
  };
}

/** "label: value" back into its parts (reports show them as name/value pairs). */
export function splitEvidence(message: string): { label: string; value: string } {
  const at = message.indexOf(': ');
  return at < 0 ? { label: 'evidence', value: message } : { label: message.slice(0, at), value: message.slice(at + 2) };
}
