// Secrets resolved from a profile are registered here; everything fleetgate writes passes through redact().
const secrets = new Set<string>();
const MASK = '[redacted]';
/** Shorter values would mask ordinary text everywhere; the profile loader refuses them as secrets. */
export const MIN_SECRET_LENGTH = 4;

const xmlEscaped = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The forms a secret takes on its way to output: as is, in a URL, in JSON, in util.inspect/loupe quotes, in XML. */
function variants(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const quoted = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return [...new Set([value, encodeURIComponent(value), json, quoted].flatMap((v) => [v, xmlEscaped(v)]))];
}

/** Remember a secret value so it never reaches a report, log or terminal. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  for (const form of variants(value)) secrets.add(form);
}

/** Replace every registered secret (in any of its escaped forms) in text. */
export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
}

/** redact() applied to every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
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
