// The shapes a secret takes on its way to output: each must be masked, not only the plain value.

const xmlEscaped = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Percent-encodings a URL, a form body or a log line may use: upper- and lower-case hex, strict and loose. */
function percentForms(value: string): string[] {
  const loose = encodeURIComponent(value);
  const strict = loose.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  return [loose, strict, form].flatMap((f) => [f, f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]);
}

/**
 * The part of base64(prefix + value) that only the value's bits decide, for each of the three
 * alignments: a secret inside "user:password" (a Basic auth header) is encoded at any offset.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(first, last);
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** Line-ending variants of a multi-line secret (a key file read on Linux, shown by a CRLF tool). */
function lineEndings(value: string): string[] {
  if (!/[\r\n]/.test(value)) return [value];
  return [value, value.replace(/\r?\n/g, '\r\n'), value.replace(/\r\n/g, '\n')];
}

/** Every form of value to mask: as is, URL-, JSON-, inspect-, XML-escaped, base64 at any alignment, per line. */
export function secretForms(value: string, minLength: number): string[] {
  const forms = new Set<string>();
  const add = (form: string): void => {
    if (form.length >= minLength) forms.add(form);
  };
  for (const base of lineEndings(value)) {
    const json = JSON.stringify(base).slice(1, -1);
    const quoted = base.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    for (const form of [base, json, quoted, ...percentForms(base)]) {
      add(form);
      add(xmlEscaped(form));
    }
    for (const core of base64Cores(base)) add(core);
  }
  // Each line of a key file on its own: a tool may print one line of it.
  for (const line of value.split(/\r?\n/)) add(line.trim());
  return [...forms];
}
