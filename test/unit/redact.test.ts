import { expect, test } from 'vitest';
import { Redactor, MASK } from '../../helpers/redact.ts';

function redactorWith(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

const TOKEN = 'tok_9fQ2xL7vR4mZ8kW1nB6cT3yH5jD0sA2eG7uP9iO4lK1qV8wX3zC6bN0m'; // 58 characters

test('registered secrets are masked as is and URL-encoded, in upper- and lower-case hex', () => {
  const r = redactorWith('s3cr3t/p@ss');
  expect(r.redact('dsn=postgres://u:s3cr3t%2Fp%40ss@h/db pw=s3cr3t/p@ss low=s3cr3t%2fp%40ss')).toBe(`dsn=postgres://u:${MASK}@h/db pw=${MASK} low=${MASK}`);
  // A form body encodes what encodeURIComponent leaves alone.
  const form = new URLSearchParams({ p: "it's (a) s3cret!" }).toString();
  expect(redactorWith("it's (a) s3cret!").redact(form)).toBe(`p=${MASK}`);
});

test('values too short to be secrets are not registered (they would mask ordinary text)', () => {
  expect(redactorWith('ab').redact('ab cd')).toBe('ab cd');
});

test('a secret with quotes, ampersands and backslashes is masked in JSON, inspect and XML forms too', () => {
  const secret = `it's&<"x\\y`;
  const r = redactorWith(secret);
  const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  for (const form of [secret, JSON.stringify(secret), `'${secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`, xml(secret), xml(JSON.stringify(secret))]) {
    expect(r.redact(`before ${form} after`), form).not.toContain('s&');
    expect(r.redact(`before ${form} after`)).toContain(MASK);
  }
});

test('base64 and base64url forms are masked at every alignment, e.g. inside a Basic auth header', () => {
  const r = redactorWith(TOKEN);
  for (const user of ['', 'a:', 'ab:', 'abc:', 'operator:']) {
    const header = `Authorization: Basic ${Buffer.from(`${user}${TOKEN}`).toString('base64')}`;
    const url = Buffer.from(`${user}${TOKEN}`).toString('base64url');
    for (const text of [header, url]) {
      const out = r.redact(text);
      expect(out, text).toContain(MASK);
      // Nothing left that decodes to 8 characters of the token.
      const decoded = Buffer.from(out.replace(/^.*Basic /, '').replace(MASK, ''), 'base64').toString('latin1');
      for (let i = 0; i + 8 <= TOKEN.length; i++) expect(decoded).not.toContain(TOKEN.slice(i, i + 8));
    }
  }
});

test('each line of a multi-line secret, and its CRLF form, is masked', () => {
  const key = '-----BEGIN TEST KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END TEST KEY-----';
  const r = redactorWith(key);
  const lines = key.split('\n');
  expect(r.redact(`line: ${lines[1]}`)).toBe(`line: ${MASK}`);
  expect(r.redact(`crlf: ${key.replace(/\n/g, '\r\n')}`)).toBe(`crlf: ${MASK}`);
  expect(r.redact(JSON.stringify({ key }))).toBe(`{"key":"${MASK}"}`);
});

test('a piece of a secret at a cut (Vitest\'s … or ...) is masked, at its start or its end', () => {
  const r = redactorWith(TOKEN);
  expect(r.redact(`expected '${TOKEN.slice(0, 38)}…' to be 'x'`)).toBe(`expected '${MASK}…' to be 'x'`);
  expect(r.redact(`tail ...${TOKEN.slice(-20)} end`)).toBe(`tail ...${MASK} end`);
  // Ordinary text next to an ellipsis is left alone.
  expect(r.redact('waiting… done')).toBe('waiting… done');
});

test('a secret split by colour codes (a highlighted diff) is masked; text without one keeps its colours', () => {
  const r = redactorWith(TOKEN);
  const coloured = `Received: "\x1B[31m${TOKEN.slice(0, 20)}\x1B[7m${TOKEN.slice(20, 21)}\x1B[27m${TOKEN.slice(21)}\x1B[39m"`;
  expect(r.redact(coloured)).toBe(`Received: "${MASK}"`);
  expect(r.redact('\x1B[32mall good\x1B[39m')).toBe('\x1B[32mall good\x1B[39m');
});

test('clip() redacts before it cuts: no half secret survives', () => {
  const r = redactorWith(TOKEN);
  const body = `${'x'.repeat(150)}${TOKEN}`;
  const clipped = r.clip(body, 160);
  expect(clipped).toBe(`${'x'.repeat(150)}${MASK}`);
  // Cut inside what remains after masking: the mask itself may be cut, the token never appears.
  const tight = r.clip(`${'y'.repeat(155)}${TOKEN.slice(0, 30)}`, 170);
  for (let i = 0; i + 8 <= TOKEN.length; i++) expect(tight).not.toContain(TOKEN.slice(i, i + 8));
});

test('redactors are independent: a secret of one run does not mask another run\'s text', () => {
  const first = redactorWith('first-run-secret');
  const second = new Redactor();
  expect(first.redact('first-run-secret')).toBe(MASK);
  expect(second.redact('first-run-secret')).toBe('first-run-secret');
});

test('redactTerminal masks what a process prints (Vitest reporter output in developer runs)', async () => {
  const { execa } = await import('execa');
  const script = `const m = await import('./helpers/redact.ts'); m.registerSecret('term1nal-secret'); m.redactTerminal();
    console.log('stdout term1nal-secret'); console.error('stderr term1nal-secret'); process.stdout.write(Buffer.from('buffer term1nal-secret\\n'));`;
  const { stdout, stderr } = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url) });
  expect(stdout).toBe('stdout [redacted]\nbuffer [redacted]');
  expect(stderr).toBe('stderr [redacted]');
});
