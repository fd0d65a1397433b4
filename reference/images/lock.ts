// One process at a time builds and prunes the reference images (two test files may ask at once). The lock
// is flock(1)'s: the kernel frees it when its holder dies, so a killed run never leaves a stale lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';

/** The lock file; never deleted (a lock on a removed file would not exclude a newcomer). */
export const DEFAULT_LOCK_FILE = '/var/tmp/fleetgate-images.lock';

export interface LockOptions {
  file?: string;
  log?: (line: string) => void;
  /** How long to wait for another holder before giving up. */
  waitMs?: number;
}

/**
 * A `flock` child that holds the lock while it reads our stdin: it exits, and the lock goes, when we
 * close that pipe or die. Resolves undefined when someone else holds it (past `waitMs` if `wait`).
 */
async function hold(file: string, wait: boolean, waitMs: number): Promise<ChildProcess | undefined> {
  const mode = wait ? ['--wait', String(Math.ceil(waitMs / 1000))] : ['--nonblock'];
  const holder = spawn('flock', ['--exclusive', ...mode, file, 'sh', '-c', 'echo locked && exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const locked = once(holder.stdout!, 'data').then(() => true);
  const exited = once(holder, 'exit').then(() => false);
  return (await Promise.race([locked, exited])) ? holder : undefined;
}

async function release(holder: ChildProcess): Promise<void> {
  if (holder.exitCode !== null || holder.signalCode !== null) return;
  const exited = once(holder, 'exit');
  holder.stdin!.on('error', () => undefined).end();
  await exited;
}

function holderPid(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Run `fn` while holding the reference image lock; waits (and says so) while another process holds it. */
export async function withImagesLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { file = DEFAULT_LOCK_FILE, log = () => undefined, waitMs = 10 * 60_000 } = options;
  let holder = await hold(file, false, waitMs);
  if (!holder) {
    log(`waiting for pid ${holderPid(file)}, which holds the reference image lock ${file}`);
    holder = await hold(file, true, waitMs);
  }
  if (!holder) throw new Error(`gave up after ${waitMs / 1000} s waiting for the reference image lock ${file} (held by pid ${holderPid(file)})`);
  try {
    writeFileSync(file, `${process.pid}\n`);
    return await fn();
  } finally {
    await release(holder);
  }
}
