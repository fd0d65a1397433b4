// Reference images are built here, never pulled: debootstrap rootfs → `docker import` → `docker build`.
// Each tag carries a hash of its inputs, so an unchanged image is reused and a changed input rebuilds it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';

const HERE = import.meta.dirname;
const SUITE = 'bookworm';
const MIRROR = process.env.FLEETGATE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
export const IMAGE_LABEL = 'org.fleetgate.reference';

function hashFiles(root: string, seed: string): string {
  const hash = createHash('sha256').update(seed);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (entry === '__pycache__') continue;
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 12);
}

async function imageExists(tag: string): Promise<boolean> {
  const { exitCode } = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return exitCode === 0;
}

function basePackages(): string[] {
  return readFileSync(join(HERE, 'base.packages'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

async function buildBase(tag: string, log: (line: string) => void, signal: AbortSignal | undefined): Promise<void> {
  const packages = basePackages();
  const rootfs = mkdtempSync('/var/tmp/fleetgate-rootfs-');
  try {
    log(`building ${tag}: debootstrap ${SUITE} with ${packages.length} packages (about a minute)`);
    await execa('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, SUITE, rootfs, MIRROR], { cancelSignal: signal });
    // Keep the image small: package lists and caches are not needed at run time.
    rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    rmSync(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    await execa('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" -c . | docker import --change "$2" - "$3"', 'import', rootfs, `LABEL ${IMAGE_LABEL}=base`, tag], { cancelSignal: signal });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

export interface ReferenceImages {
  nodeB: string;
}

/** Make sure the reference images exist locally; returns their tags. An abort of `signal` stops a build. */
export async function ensureReferenceImages(log: (line: string) => void = () => undefined, signal?: AbortSignal): Promise<ReferenceImages> {
  const base = `fleetgate/arena-base:${createHash('sha256').update([SUITE, ...basePackages()].join('\n')).digest('hex').slice(0, 12)}`;
  if (!(await imageExists(base))) await buildBase(base, log, signal);
  const nodeBDir = resolve(HERE, '../node-b');
  const nodeB = `fleetgate/arena-node-b:${hashFiles(nodeBDir, base)}`;
  if (!(await imageExists(nodeB))) {
    log(`building ${nodeB}`);
    await execa('docker', ['build', '-q', '--force-rm', '--label', `${IMAGE_LABEL}=node-b`, '--build-arg', `BASE=${base}`, '-t', nodeB, nodeBDir], { cancelSignal: signal });
  }
  return { nodeB };
}
