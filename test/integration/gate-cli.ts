// Runs the real gate CLI the way a user does, and reads what it wrote.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { XSD } from '../junit-schema.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = resolve(ROOT, 'test/fixtures');

const made: string[] = [];

/** A temporary report directory; removeOutDirs() (in afterAll) deletes every one made. */
export function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-it-'));
  made.push(dir);
  return dir;
}

export function removeOutDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function gate(args: string[], env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, ['cli/main.ts', ...args], {
    cwd: ROOT, reject: false, all: true, env: { TESTCONTAINERS_RYUK_DISABLED: 'true', FORCE_COLOR: '0', ...env },
  });
}

export function results(out: string): ResultsDocument {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
}

export function criterion(doc: ResultsDocument, titleStart: string): ResultsDocument['criteria'][number] {
  const found = doc.criteria.find((c) => c.title.startsWith(titleStart));
  if (!found) throw new Error(`no criterion "${titleStart}" in ${doc.criteria.map((c) => c.title).join(' | ')}`);
  return found;
}

export async function xmllint(file: string): Promise<{ exitCode: number; output: string }> {
  const r = await execa('xmllint', ['--noout', '--schema', XSD, file], { reject: false, all: true });
  return { exitCode: r.exitCode ?? 1, output: String(r.all) };
}

export async function xpath(file: string, expression: string): Promise<string> {
  return (await execa('xmllint', ['--xpath', expression, file])).stdout.trim();
}

/** Every file under dir, with its text. */
export function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

export { leftoverContainers as fleetgateContainers } from '../../reference/stack.ts';
