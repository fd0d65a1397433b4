// Builds, unpacks and runs a bundle the way a node does: system tar, `env -i PATH=/usr/bin:/bin`, an
// unprivileged user on a read-only extraction, and every `node` on that PATH replaced by a tripwire.
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync, type Result } from 'execa';
import { ROOT } from './gate-cli.ts';

/** A finished command with its interleaved output. */
export type Run = Result<{ reject: false; all: true }>;

/** What a host `node` prints if the bundled gate ever ran it. */
export const TRIPWIRE = 'fleetgate-test: the host node was run';
/** The user a node's gate runs as here: root would write to a read-only (a-w) extraction anyway. */
export const NOBODY = 65534;

const made: string[] = [];
let tripwire: string | undefined;

/** A temporary directory the unprivileged user can read (and, if asked, write); removeTempDirs() deletes it. */
export function tempDir(prefix: string, writableByNobody = false): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  chmodSync(dir, 0o755);
  if (writableByNobody) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** For afterAll: every tempDir(), made writable again first. */
export function removeTempDirs(): void {
  tripwire = undefined;
  for (const dir of made.splice(0)) {
    // unpacked bundles are read-only on purpose
    if (existsSync(dir)) execaSync('chmod', ['-R', 'u+w', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bundle -- --out <dir>` as a developer runs it; returns the tarball's path. */
export async function buildBundle(outDir: string, args: string[] = []): Promise<{ run: Run; tarball: string }> {
  const run = await execa(process.execPath, ['--disable-warning=ExperimentalWarning', 'cli/bundle/main.ts', '--out', outDir, ...args], { cwd: ROOT, reject: false, all: true });
  const tarball = readdirSync(outDir).find((f) => f.endsWith('.tar.gz'));
  return { run, tarball: tarball ? join(outDir, tarball) : '' };
}

/** System tar, as on a node (no Node there to unpack with). */
export function unpack(tarball: string, into: string): Promise<Run> {
  return execa('tar', ['-xzf', tarball, '-C', into], { reject: false, all: true, env: { LC_ALL: 'C' } });
}

/**
 * `<bundle>/gate.sh args` under `env -i PATH=/usr/bin:/bin` (plus `env`), as nobody, in a mount namespace
 * where every node binary on that PATH is replaced by a tripwire that fails loudly.
 */
export function runOnNode(bundleDir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const stub = tripwire ?? (tripwire = join(tempDir('fleetgate-tripwire-'), 'node'));
  writeFileSync(stub, `#!/bin/sh\necho '${TRIPWIRE}' >&2\nexit 97\n`, { mode: 0o755 });
  const vars = Object.entries({ PATH: '/usr/bin:/bin', ...env }).map(([k, v]) => `${k}=${v}`);
  const script = [
    'set -e',
    `for f in /usr/bin/node /usr/bin/nodejs /bin/node /bin/nodejs /usr/local/bin/node; do if [ -e "$f" ]; then mount --bind "${stub}" "$f"; fi; done`,
    // the proof that no usable node is left on the PATH the gate gets
    `if env -i PATH=/usr/bin:/bin sh -c 'command -v node >/dev/null && node --version' >/dev/null 2>&1; then echo 'a node is still on PATH' >&2; exit 98; fi`,
    `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups env -i "$@"`,
  ].join('\n');
  return execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...vars, join(bundleDir, 'gate.sh'), ...args], {
    cwd: tmpdir(), reject: false, all: true,
  });
}
