// The gate with secrets of every awkward shape: short words, digits that occur in numbers and dates,
// a 58-character token, a two-line key. Specs try to leak each one; reports must stay valid and clean.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Result } from 'execa';
import { gate, outDir, results, criterion, xmllint, xpath, filesUnder, FIXTURES, removeOutDirs } from './gate-cli.ts';
import type { ResultsDocument } from '../../cli/report/results.ts';

afterAll(removeOutDirs);

const WORD = 'test';
const DIGITS = '1234';
// The year occurs in every timestamp and run id: structure that must not be rewritten.
const YEAR = String(new Date().getUTCFullYear());
const TOKEN = `tok_${randomBytes(40).toString('base64url')}`.slice(0, 58);
const KEY = `-----BEGIN FIXTURE KEY-----\n${randomBytes(24).toString('base64')}`;
const LONG = { token: TOKEN, 'key line 2': KEY.split('\n')[1]! };

/** Every form a long secret must not appear in: itself, any 8-character piece, base64 at any alignment. */
function forbiddenForms(secret: string): string[] {
  const pieces = Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));
  const base64 = ['', 'a', 'ab', 'operator:'].flatMap((prefix) => {
    const encoded = Buffer.from(prefix + secret);
    return [encoded.toString('base64'), encoded.toString('base64url')].map((e) => e.slice(Math.ceil((prefix.length * 8) / 6) + 1, -3));
  });
  return [...pieces, ...base64];
}

describe('a profile whose secrets are "test", "1234", the year, a 58-character token and a two-line key', () => {
  const out = outDir();
  let run: Result<{ reject: false; all: true }>;
  let doc: ResultsDocument;
  beforeAll(async () => {
    const dir = outDir();
    const profile = join(dir, 'secrets.yaml');
    writeFileSync(join(dir, 'fixture.key'), `${KEY}\n`);
    const db = (name: string, env: string): string => `  - { name: ${name}, host: 127.0.0.1, port: 1, database: none, user: none, password: "\${env:${env}}" }`;
    writeFileSync(profile, [
      'node: leak-node', 'role: control-plane', 'postgres:',
      db('word-db', 'FG_WORD'), db('digits-db', 'FG_DIGITS'), db('year-db', 'FG_YEAR'),
      'redis:',
      '  - { name: token-cache, host: 127.0.0.1, port: 1, password: "${env:FG_TOKEN}" }',
      '  - { name: key-cache, host: 127.0.0.1, port: 1, password: "${file:fixture.key}" }',
    ].join('\n'));
    run = await gate(['--profile', profile, '--suites', join(FIXTURES, 'suites'), '--suite', 'secrets', '--iterations', '2', '--out', out],
      { FG_WORD: WORD, FG_DIGITS: DIGITS, FG_YEAR: YEAR, FG_TOKEN: TOKEN });
    doc = results(out);
  });

  test('the gate ran every leaking criterion and judged it', () => {
    expect(run.exitCode, run.all).toBe(1);
    expect(doc.criteria.map((c) => c.verdict).sort()).toEqual(['broken', 'broken', 'broken', 'broken', 'broken', 'pass']);
  });

  test('every report stays valid: JUnit against the XSD, results.json parses with its structure intact', async () => {
    expect(await xmllint(join(out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
    for (const i of [1, 2]) expect((await xmllint(join(out, 'iterations', `${i}.xml`))).exitCode).toBe(0);
    expect(Number.isNaN(Date.parse(doc.run.startedAt))).toBe(false);
    expect(doc.run.id).toMatch(new RegExp(`^${YEAR}\\d{4}-\\d{6}Z-\\d+$`));
    expect(doc.run.node).toBe('leak-node');
    for (const c of doc.criteria) expect(c.durationsMs.every((d) => typeof d === 'number')).toBe(true);
    expect(await xpath(join(out, 'junit.xml'), 'count(//testcase)')).toBe('6');
    expect(await xpath(join(out, 'junit.xml'), 'string(//testsuite/@timestamp)')).toMatch(new RegExp(`^${YEAR}-`));
  });

  test('no long secret, no 8-character piece of one and no base64 form of one, in any report or on the terminal', () => {
    const places = [...filesUnder(out), { path: 'terminal', text: run.all }];
    expect(places.length).toBeGreaterThanOrEqual(6);
    for (const [name, secret] of Object.entries(LONG)) {
      for (const { path, text } of places) {
        const leaked = forbiddenForms(secret).filter((form) => text.includes(form));
        expect(leaked, `${name} in ${path}`).toEqual([]);
      }
    }
  });

  test('short secrets are masked where they are values, and only there', () => {
    const values = criterion(doc, 'short secrets among ordinary values');
    expect(values.lastError).not.toMatch(/word=test|digits=1234|year=\d{4}/);
    expect(values.lastError).toContain('[redacted]');
    expect(JSON.stringify(values.evidence)).not.toMatch(/'test'|'1234'/);
  });

  test('each way of leaking was caught where it happened', () => {
    expect(criterion(doc, 'a long token in an assertion message').lastError).toMatch(/^expected '\[redacted\]' to be 'the token the node should have'/);
    expect(criterion(doc, 'a token in an HTTP body').lastError).toMatch(/answered HTTP 500, expected 200: x{150}\[redacted\]$/);
    expect(JSON.stringify(criterion(doc, 'a token in a Basic auth header').evidence)).toMatch(/Basic [A-Za-z0-9+/]*\[redacted\]/);
    expect(JSON.stringify(criterion(doc, 'a two-line key').evidence)).toMatch(/"value":"\[redacted\]"/);
  });

  test('failure stack traces keep the spec\'s own frames and drop Vitest\'s', async () => {
    const body = await xpath(join(out, 'junit.xml'), "string(//testcase[starts-with(@name,'a long token')]/failure)");
    expect(body).toMatch(/secrets\/leaks\.spec\.ts:\d+:\d+/);
    expect(body).not.toMatch(/node_modules/);
  });

  test('JUnit names the spec files where --suites put them', async () => {
    expect(await xpath(join(out, 'junit.xml'), 'string(//testsuite[1]/@file)')).toBe('test/fixtures/suites/secrets/leaks.spec.ts');
  });
});
