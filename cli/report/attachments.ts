// Files a criterion attached (a screenshot: Vitest annotations carrying an attachment) into the run's report
// folder, as `attachments/<criterion>/<iteration>/<name>.<ext>`: paths relative to the folder, so they survive
// moving it and a fleet's merge (which puts each node's folder under nodes/<node>/).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import type { TestAnnotation } from 'vitest';
import { redact } from '../../helpers/redact.ts';
import type { AttachmentItem } from '../gate/types.ts';

/** Where one iteration's attachments go. */
export interface AttachmentStore {
  /** The run's report folder. */
  out: string;
  iteration: number;
  /** The iteration's folder name: its number, or `preconditions`. */
  folder: string;
}

export const ATTACHMENTS_DIR = 'attachments';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/svg+xml': 'svg', 'text/plain': 'txt',
  'text/html': 'html', 'text/csv': 'csv', 'application/json': 'json', 'application/xml': 'xml', 'text/xml': 'xml',
};
const CONTENT_TYPES = Object.fromEntries(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type]));

/** Lower-case words joined by dashes: safe in a path on every system and in a URL. */
export function slug(text: string, max = 60): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '') || 'x';
}

/** A criterion's folder: its title, readable, and a hash of its whole id (two may slug alike, or share a title in two files). */
export function criterionFolder(criterionId: string): string {
  const title = criterionId.slice(criterionId.indexOf('::') + 2);
  return `${slug(title, 80)}-${createHash('sha1').update(criterionId).digest('hex').slice(0, 8)}`;
}

const isText = (contentType: string): boolean => /^text\/|json|xml|yaml/.test(contentType);
const isUrl = (path: string): boolean => /^https?:\/\//.test(path);

/** The file's bytes, masked when it is text: a secret in an attached log never reaches the report. */
function contentOf(attachment: NonNullable<TestAnnotation['attachment']>, contentType: string): Buffer {
  const { body } = attachment;
  // Vitest sends bytes base64-encoded (a string body says how it is encoded).
  const raw = typeof body === 'string' ? Buffer.from(body, attachment.bodyEncoding === 'utf-8' ? 'utf8' : 'base64')
    : body !== undefined ? Buffer.from(body) : readFileSync(attachment.path!);
  return isText(contentType) ? Buffer.from(redact(raw.toString('utf8'))) : raw;
}

/**
 * Write one attachment of a criterion into the report folder; returns how the reports name it. A file Vitest
 * copied into its attachments folder is moved out of it. Never throws: a file that cannot be saved becomes
 * an item whose name says why (the criterion's verdict is not the attachment's business).
 */
export function saveAttachment(store: AttachmentStore, criterionId: string, annotation: TestAnnotation, taken: Set<string>): AttachmentItem | null {
  const attachment = annotation.attachment;
  if (!attachment) return null;
  const name = redact(annotation.message);
  if (attachment.path && isUrl(attachment.path)) {
    return { name, path: attachment.path, contentType: attachment.contentType ?? 'text/html', iteration: store.iteration };
  }
  const fromPath = attachment.path ? extname(attachment.path).slice(1).toLowerCase() : '';
  const contentType = attachment.contentType ?? CONTENT_TYPES[fromPath] ?? 'application/octet-stream';
  const ext = EXTENSIONS[contentType] ?? (fromPath || 'bin');
  const dir = posix.join(ATTACHMENTS_DIR, criterionFolder(criterionId), store.folder);
  let file = posix.join(dir, `${slug(name)}.${ext}`);
  for (let n = 2; taken.has(file); n++) file = posix.join(dir, `${slug(name)}-${n}.${ext}`);
  taken.add(file);
  try {
    const target = join(store.out, file);
    mkdirSync(join(store.out, dir), { recursive: true });
    if (attachment.path && !isText(contentType)) copyFileSync(attachment.path, target);
    else writeFileSync(target, contentOf(attachment, contentType));
    // Vitest's own copy (its attachments folder) is not kept: the report folder holds the one that counts.
    if (attachment.path && existsSync(attachment.path)) rmSync(attachment.path, { force: true });
    return { name, path: file, contentType, iteration: store.iteration };
  } catch (error) {
    return { name: `${name} (not saved: ${redact((error as Error).message.split('\n')[0]!)})`, path: file, contentType, iteration: store.iteration };
  }
}

/** An attachment's path as seen from another folder (a fleet report: `nodes/<node>/…`); URLs stay as they are. */
export function underFolder(item: AttachmentItem, folder: string): AttachmentItem {
  return isUrl(item.path) ? item : { ...item, path: posix.join(folder, item.path) };
}
