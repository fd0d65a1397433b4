// Secrets never reach output. Values are masked before they are put into a report, a log line or the
// terminal — never the finished document, whose markup a short secret could match.
import { stripVTControlCharacters } from 'node:util';
import { secretForms } from './secret-forms.ts';

export const MASK = '[redacted]';
/** Shorter values would mask ordinary text everywhere; the profile loader refuses them as secrets. */
export const MIN_SECRET_LENGTH = 4;
/** A cut-off piece of a secret this long (or half the secret, if shorter) is masked at a cut. */
const MAX_PIECE = 8;
/** Where text was cut short: Vitest, loupe and people mark it with an ellipsis. */
const CUT = /…|\.\.\./g;

/** The secrets of one run, and the masking of every form they take. */
export class Redactor {
  readonly #values = new Set<string>();
  #forms: string[] = [];

  /** Remember a secret value so it never reaches a report, log or terminal. */
  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    this.#forms = [...new Set([...this.#forms, ...secretForms(value, MIN_SECRET_LENGTH)])].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#values.size;
  }

  /** Replace every form of every secret in text, and any piece of one left at a cut. */
  redact(text: string): string {
    if (!this.#forms.length) return text;
    // A coloured diff highlights single characters: a secret can sit split between escape codes.
    // When the plain text holds one, the colours go; otherwise they stay.
    if (text.includes('\x1B')) {
      const plain = stripVTControlCharacters(text);
      const masked = this.#mask(plain);
      if (masked !== plain) return masked;
    }
    return this.#mask(text);
  }

  #mask(text: string): string {
    let out = text;
    for (const form of this.#forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return out.includes('…') || out.includes('...') ? this.#maskAtCuts(out) : out;
  }

  /** Redact, then shorten to at most max characters: never the other way round, which leaves half a secret. */
  clip(text: string, max: number): string {
    const clean = this.redact(text);
    return clean.length <= max ? clean : this.redact(`${clean.slice(0, max)}…`);
  }

  /** A prefix of a secret just before a cut, or a suffix just after one. */
  #maskAtCuts(text: string): string {
    const edits: { from: number; to: number }[] = [];
    for (const match of text.matchAll(CUT)) {
      const start = match.index;
      const end = start + match[0].length;
      for (const form of this.#forms) {
        const piece = Math.min(MAX_PIECE, Math.ceil(form.length / 2));
        const before = longestPiece(form.length - 1, piece, (k) => text.slice(start - k, start) === form.slice(0, k));
        if (before) edits.push({ from: start - before, to: start });
        const after = longestPiece(form.length - 1, piece, (k) => text.slice(end, end + k) === form.slice(form.length - k));
        if (after) edits.push({ from: end, to: end + after });
      }
    }
    let out = text;
    for (const { from, to } of edits.sort((a, b) => b.from - a.from)) out = `${out.slice(0, from)}${MASK}${out.slice(to)}`;
    return out;
  }
}

function longestPiece(max: number, min: number, matches: (k: number) => boolean): number {
  for (let k = max; k >= min; k--) if (matches(k)) return k;
  return 0;
}

// One redactor per run: the gate installs a fresh one, so values from one run never mask another's text.
let active = new Redactor();

/** Make a fresh redactor the current one (the start of a run); returns it. */
export function beginRedaction(redactor = new Redactor()): Redactor {
  active = redactor;
  return active;
}

/** The current run's redactor. */
export function currentRedactor(): Redactor {
  return active;
}

/** Register a secret with the current run. */
export function registerSecret(value: string): void {
  active.add(value);
}

/** Mask the current run's secrets in text. */
export function redact(text: string): string {
  return active.redact(text);
}

/** Mask, then shorten: the way to cut text that may hold a secret. */
export function clip(text: string, max: number): string {
  return active.clip(text, max);
}

/** Route this process's stdout and stderr through redact(); returns the undo. */
export function redactTerminal(): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const [i, stream] of streams.entries()) {
    const write = originals[i]!;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      (write as (...args: unknown[]) => boolean).call(stream, typeof chunk === 'string' || Buffer.isBuffer(chunk) ? redact(String(chunk)) : chunk, ...rest)) as typeof stream.write;
  }
  return () => streams.forEach((s, i) => (s.write = originals[i]!));
}
