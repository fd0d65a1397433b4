import { expect, test } from 'vitest';
import { redact, redactDeep, registerSecret } from '../../helpers/redact.ts';

test('registered secrets are masked, also URL-encoded', () => {
  registerSecret('s3cr3t/p@ss');
  expect(redact('dsn=postgres://u:s3cr3t%2Fp%40ss@h/db pw=s3cr3t/p@ss')).toBe('dsn=postgres://u:[redacted]@h/db pw=[redacted]');
});

test('redactDeep masks every string in a structure', () => {
  registerSecret('hunter2-long');
  expect(redactDeep({ a: ['x hunter2-long'], b: { c: 'hunter2-long' }, n: 3 })).toEqual({ a: ['x [redacted]'], b: { c: '[redacted]' }, n: 3 });
});

test('values too short to be secrets are not registered (they would mask ordinary text)', () => {
  registerSecret('ab');
  expect(redact('ab cd')).toBe('ab cd');
});

test('a secret with quotes, ampersands and backslashes is masked in JSON, inspect and XML forms too', () => {
  const secret = `it's&<"x\\y`;
  registerSecret(secret);
  const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  for (const form of [secret, JSON.stringify(secret), `'${secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`, xml(secret), xml(JSON.stringify(secret))]) {
    expect(redact(`before ${form} after`), form).not.toContain('s&');
    expect(redact(`before ${form} after`)).toContain('[redacted]');
  }
});

test('redactTerminal masks what a process prints (Vitest reporter output in developer runs)', async () => {
  const { execa } = await import('execa');
  const script = `const m = await import('./helpers/redact.ts'); m.registerSecret('term1nal-secret'); m.redactTerminal();
    console.log('stdout term1nal-secret'); console.error('stderr term1nal-secret'); process.stdout.write(Buffer.from('buffer term1nal-secret\\n'));`;
  const { stdout, stderr } = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url) });
  expect(stdout).toBe('stdout [redacted]\nbuffer [redacted]');
  expect(stderr).toBe('stderr [redacted]');
});
