// Evidence: facts a spec saw, attached to the criterion (Vitest annotations) so they reach the reports;
// and files (a screenshot), attached the same way with Vitest's attachment, which the gate copies into the report.
import { inspect } from 'node:util';
import type { TestAttachment } from 'vitest';
import { redact } from './redact.ts';

export const EVIDENCE_TYPE = 'evidence';
/** An annotation of this type carries a file for the report (its message is the file's name). */
export const ATTACHMENT_TYPE = 'attachment';

export type Annotate = (message: string, type?: string, attachment?: TestAttachment) => Promise<unknown>;
export type Evidence = (label: string, value: unknown) => Promise<void>;

/** What `attach` takes: bytes (a screenshot), text (redacted first), or a file on this machine. */
export type AttachmentContent = Uint8Array | string | { path: string };
export type Attach = (name: string, content: AttachmentContent, contentType?: string) => Promise<void>;

/** Text is the only content that can carry a secret as written: it is masked before it leaves the spec. */
const isText = (contentType: string | undefined): boolean => /^text\/|json|xml|yaml/.test(contentType ?? '');

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

/**
 * `attach(name, content, contentType?)`: a file for this criterion's report. Bytes go as they are (a binary
 * never carries text secrets through it: pass text as a string, which is redacted); a path is read by the gate.
 */
export function attachmentRecorder(annotate: Annotate): Attach {
  return async (name, content, contentType) => {
    const label = redact(name);
    if (typeof content === 'string') {
      const type = contentType ?? 'text/plain';
      await annotate(label, ATTACHMENT_TYPE, { body: redact(content), bodyEncoding: 'utf-8', contentType: type });
    } else if (content instanceof Uint8Array) {
      const body = isText(contentType) ? Buffer.from(redact(Buffer.from(content).toString('utf8'))) : content;
      await annotate(label, ATTACHMENT_TYPE, { body, ...(contentType ? { contentType } : {}) });
    } else {
      await annotate(label, ATTACHMENT_TYPE, { path: content.path, ...(contentType ? { contentType } : {}) });
    }
  };
}
