// Where a gate run from a bundle writes: the bundle may be unpacked read-only, so Vite's cache, Vitest's
// module cache, temporary files and (by default) reports go to the work dir instead. gate.sh sets
// FLEETGATE_WORK_DIR (default /var/tmp/fleetgate-<uid>), TMPDIR, XDG_DATA_HOME and VITEST_FS_MODULE_CACHE_PATH.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
/** The bundle's manifest, at its root (written by cli/bundle/manifest.ts, checked by gate.sh). */
export const MANIFEST_FILE = 'manifest.json';

/** A bundle carries manifest.json at its root; a clone of the repository does not. */
export function runsFromBundle(root: string): boolean {
  return existsSync(join(root, MANIFEST_FILE));
}

/** The writable work dir of a bundled run. */
export function workDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETGATE_WORK_DIR || `/var/tmp/fleetgate-${process.getuid?.() ?? 'user'}`;
}

/** Default report home: the repository's reports/, or the work dir's when run from a bundle. */
export function defaultReportsDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return runsFromBundle(root) ? join(workDir(env), 'reports') : join(root, 'reports');
}

/**
 * Where Vitest copies a file a spec attaches by path before the gate copies it into the report: writable (a
 * bundle is read-only; gate.sh points TMPDIR at the work dir), one per gate process, removed when the run ends.
 */
export function attachmentsStaging(): string {
  return join(tmpdir(), `fleetgate-attachments-${process.pid}`);
}

/** Vite's cacheDir (Vitest keeps its results cache under it): the work dir's when run from a bundle. */
export function viteCacheOptions(root: string, env: NodeJS.ProcessEnv = process.env): { cacheDir?: string } {
  return runsFromBundle(root) ? { cacheDir: join(workDir(env), 'vite') } : {};
}
