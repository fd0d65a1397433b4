// A killed base build's root filesystem is removed at the next run; a running build's is never touched.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createBuildDir, removeStaleBuildDirs } from '../../reference/images/build-dirs.ts';

const DEAD_PID = 2 ** 22 + 12345; // above pid_max's default, so never a live process
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fleetgate-build-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function rootfs(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(dir, 'var/lib/dpkg/status'), 'Package: base-files\n');
  return dir;
}

test('a folder whose builder is dead is removed; one of a live builder, and unrelated ones, are kept', async () => {
  const dead = rootfs(`fleetgate-rootfs-${DEAD_PID}-a1B2c3`);
  const live = createBuildDir(root);
  const other = rootfs('something-else');
  const lines: string[] = [];
  expect(basename(live)).toMatch(new RegExp(`^fleetgate-rootfs-${process.pid}-`));
  expect(await removeStaleBuildDirs(root, (line) => lines.push(line))).toEqual([dead]);
  expect(existsSync(dead)).toBe(false);
  expect(existsSync(live)).toBe(true);
  expect(existsSync(other)).toBe(true);
  expect(lines.join('\n')).toContain(dead);
});

test('a dead builder\'s folder that a process still works in (a debootstrap that outlived it) is kept', async () => {
  const dir = rootfs(`fleetgate-rootfs-${DEAD_PID}-d4E5f6`);
  const worker = spawn('sh', ['-c', 'sleep 60; : "$1"', 'worker', dir], { stdio: 'ignore' });
  try {
    await expect.poll(() => readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8')).toContain(dir);
    expect(await removeStaleBuildDirs(root)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  } finally {
    worker.kill('SIGKILL');
  }
});

test('mounts left inside a dead builder\'s folder are detached, never emptied, then the folder goes', async (context) => {
  const dir = rootfs(`fleetgate-rootfs-${DEAD_PID}-g7H8i9`);
  const mount = join(dir, 'proc');
  const source = mkdtempSync(join(tmpdir(), 'fleetgate-bind-source-'));
  writeFileSync(join(source, 'precious'), 'not part of the build');
  mkdirSync(mount);
  if ((await execa('mount', ['--bind', source, mount], { reject: false })).exitCode !== 0) context.skip('mount needs privileges here');
  try {
    expect(await removeStaleBuildDirs(root)).toEqual([dir]);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(source, 'precious'), 'utf8')).toBe('not part of the build');
  } finally {
    await execa('umount', ['--lazy', mount], { reject: false });
    rmSync(source, { recursive: true, force: true });
  }
});
