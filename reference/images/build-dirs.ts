// Root filesystem folders of base builds: `<root>/fleetgate-rootfs-<pid>-XXXXXX`. The pid in the name says
// whose folder it is from the moment it exists, so the next run can remove what a killed build left.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { isAlive } from '../pids.ts';

/** Where base builds put their root filesystem (tests pass their own). */
export const DEFAULT_BUILD_ROOT = '/var/tmp';
const PREFIX = 'fleetgate-rootfs-';
const OWNED = new RegExp(`^${PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/** A fresh folder for this process's build. */
export function createBuildDir(root: string = DEFAULT_BUILD_ROOT): string {
  return mkdtempSync(join(root, `${PREFIX}${process.pid}-`));
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => within(point, dir))
    .sort((a, b) => b.length - a.length);
}

/** Remove a build folder. debootstrap mounts proc and sys inside it (left mounted if it was killed): detach them, and never cross into another file system. */
export async function removeBuildDir(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) await execa('umount', ['--lazy', point]);
  await execa('rm', ['-rf', '--one-file-system', '--', dir]);
}

/** True while some process runs with the folder in its arguments, as its cwd or as its root (a debootstrap that outlived a killed builder). */
function inUse(dir: string): boolean {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).some((pid) => {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) return true;
      return ['cwd', 'root'].some((link) => within(readlinkSync(`/proc/${pid}/${link}`), dir));
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  });
}

/** Remove the build folders under `root` whose builder is dead and that no process uses; returns them. */
export async function removeStaleBuildDirs(root: string = DEFAULT_BUILD_ROOT, log: (line: string) => void = () => undefined): Promise<string[]> {
  const stale = readdirSync(root).flatMap((name) => {
    const pid = OWNED.exec(name)?.[1];
    return pid && !isAlive(Number(pid)) && !inUse(join(root, name)) ? [join(root, name)] : [];
  });
  const removed: string[] = [];
  for (const dir of stale) {
    try {
      await removeBuildDir(dir);
      removed.push(dir);
    } catch (error) {
      log(`could not remove the stale build folder ${dir}: ${(error as Error).message}`);
    }
  }
  if (removed.length) log(`removed ${removed.length} build folder(s) left by a killed build: ${removed.join(', ')}`);
  return removed;
}
