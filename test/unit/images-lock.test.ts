// Two processes ensuring the reference images take turns; a holder that dies frees the lock.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { withImagesLock } from '../../reference/images/lock.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetgate-lock-'));
  file = join(dir, 'images.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a second holder waits, and says for whom, until the first is done', async () => {
  const events: string[] = [];
  let finishFirst = (): void => undefined;
  const first = withImagesLock(async () => {
    events.push('first in');
    await new Promise<void>((resolve) => (finishFirst = resolve));
    events.push('first out');
  }, { file });
  await expect.poll(() => events).toEqual(['first in']);
  const second = withImagesLock(async () => void events.push('second in'), { file, log: (line) => events.push(line) });
  await expect.poll(() => events.length).toBe(2);
  expect(events[1]).toBe(`waiting for pid ${process.pid}, which holds the reference image lock ${file}`);
  finishFirst();
  await Promise.all([first, second]);
  expect(events.slice(2)).toEqual(['first out', 'second in']);
});

test('the lock of a holder killed with SIGKILL is free at once', async () => {
  const lockModule = new URL('../../reference/images/lock.ts', import.meta.url).href;
  const script = `const { withImagesLock } = await import(${JSON.stringify(lockModule)});
    await withImagesLock(() => { console.log('held'); return new Promise(() => {}); }, { file: ${JSON.stringify(file)} });`;
  const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(holder.stdout, 'data');
  const lines: string[] = [];
  const next = withImagesLock(async () => 'taken over', { file, log: (line) => lines.push(line) });
  await expect.poll(() => lines).toEqual([`waiting for pid ${holder.pid}, which holds the reference image lock ${file}`]);
  holder.kill('SIGKILL');
  expect(await next).toBe('taken over');
});
