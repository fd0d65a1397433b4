// Runs the real gate CLI the way a user does, and reads what it wrote.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import { XSD } from '../junit-schema.ts';
import { eventually } from '../../helpers/eventually.ts';
import { LABEL_RUN } from '../../reference/run-containers.ts';

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

export { leftoverContainers as fleetgateContainers } from '../../reference/run-containers.ts';

/** Wait for a file a fixture writes (its cue that the moment to signal has come). */
export function fileAppears(file: string, within = 60_000): Promise<boolean> {
  return eventually(() => existsSync(file), { within, every: 50, what: `${file} to appear` });
}

/** Wait until the gate printed text (e.g. its acknowledgement of a signal). */
export function printed(run: ResultPromise<{ reject: false; all: true }>, text: string, within = 30_000): Promise<boolean> {
  let seen = '';
  run.all.on('data', (chunk: Buffer) => void (seen += chunk.toString()));
  return eventually(() => seen.includes(text), { within, every: 50, what: `"${text}" in the gate's output` });
}

/**
 * Containers created since `since` by the gate process `pid`: its run id is `<time>-<pid>` (cli/options.ts
 * runId) and labels every container it starts. Scoped so that other runs on this machine do not count.
 */
export async function containersCreatedBy(pid: number, since: Date): Promise<string[]> {
  const { stdout } = await execa('docker', [
    'events', '--since', String(Math.floor(since.getTime() / 1000)), '--until', String(Math.ceil(Date.now() / 1000) + 1),
    '--filter', 'type=container', '--filter', 'event=create', '--filter', `label=${LABEL_RUN}`,
    '--format', `{{index .Actor.Attributes "${LABEL_RUN}"}} {{.Actor.Attributes.name}}`,
  ]);
  return stdout.split('\n').filter((line) => line.split(' ')[0]!.endsWith(`-${pid}`));
}
