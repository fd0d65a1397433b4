// manifest.json inside a bundle: what it is (versions, commit, build time) and the sha256 of every other
// file. gate.sh checks those sums with sha256sum before anything runs, so the layout of "files" is fixed:
// one `    "<path>": "<sha256>",` per line, parsed by sed (a node has no JSON tool, and no Node yet).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a bundle says about itself; gate.sh reads fileCount and files. */
export interface Manifest {
  name: string;
  version: string;
  role: string;
  platform: string;
  arch: string;
  commit: string;
  /** Built from a work tree with uncommitted changes. */
  dirty: boolean;
  builtAt: string;
  node: string;
  /** Every package in the bundle's node_modules: its folder under node_modules → version. */
  dependencies: Record<string, string>;
  suites: string[];
  fileCount: number;
  /** Relative path → sha256, sorted; the manifest itself is not listed. */
  files: Record<string, string>;
}

/** Its presence beside gate.sh is what makes gate.sh run as a bundle. */
export { MANIFEST_FILE } from '../work-dir.ts';

/** Paths gate.sh can read back with sed: no quotes, backslashes, newlines or leading dashes. */
const SAFE_PATH = /^[\w@+.,=~-][\w@+.,=~/-]*$/;

/** The same digest sha256sum prints, so gate.sh can check it. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Versions of the packages among the files, from their package.json. */
export function dependencyVersions(stageDir: string, files: readonly string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const file of files) {
    const match = /^node_modules\/(.+)\/package\.json$/.exec(file);
    if (!match) continue;
    const json = JSON.parse(readFileSync(join(stageDir, file), 'utf8')) as { name?: string; version?: string };
    // a package's own package.json names it; those deeper inside (dist/package.json…) only set "type"
    if (json.name && json.version && match[1]!.endsWith(json.name)) versions[match[1]!] = json.version;
  }
  return versions;
}

/** Path → sha256 of every staged file, refusing paths the shell side could misread. */
export function fileSums(stageDir: string, files: readonly string[]): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const file of [...files].sort()) {
    if (!SAFE_PATH.test(file)) throw new Error(`cannot bundle ${JSON.stringify(file)}: gate.sh could not check a path like that`);
    sums[file] = sha256File(join(stageDir, file));
  }
  return sums;
}

/** Two-space JSON: the layout gate.sh's sed expects (files at four spaces, one per line). */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
