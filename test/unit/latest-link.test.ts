// reports/latest: linked to the newest run inside reports/, and never a reason to fail or destroy a run.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { linkLatest } from '../../cli/report/write.ts';

let reports: string;
beforeEach(() => {
  reports = mkdtempSync(join(tmpdir(), 'fleetgate-latest-'));
});
afterEach(() => rmSync(reports, { recursive: true, force: true }));

const run = (id: string): string => {
  mkdirSync(join(reports, id), { recursive: true });
  return join(reports, id);
};
const latest = (): string => join(reports, 'latest');

test('points latest at a run inside reports/, relative, and moves it to the next run', () => {
  expect(linkLatest(reports, run('r1'))).toBeNull();
  expect(readlinkSync(latest())).toBe('r1');
  expect(linkLatest(reports, run('r2'))).toBeNull();
  expect(readlinkSync(latest())).toBe('r2');
  expect(existsSync(join(reports, 'r1'))).toBe(true);
});

test('--out equal to reports/ itself: nothing linked, one line said, no error', () => {
  expect(linkLatest(reports, reports)).toBe('reports/latest not updated: --out is the reports directory itself');
  expect(existsSync(latest())).toBe(false);
});

test('a run outside reports/ leaves latest alone and says nothing', () => {
  linkLatest(reports, run('r1'));
  expect(linkLatest(reports, join(tmpdir(), 'elsewhere'))).toBeNull();
  expect(readlinkSync(latest())).toBe('r1');
});

test('a run written into latest itself (or below it) never loses its reports', () => {
  mkdirSync(latest());
  writeFileSync(join(latest(), 'results.json'), '{}');
  expect(linkLatest(reports, latest())).toMatch(/^reports\/latest not updated: /);
  expect(linkLatest(reports, join(latest(), 'sub'))).toMatch(/^reports\/latest not updated: /);
  expect(existsSync(join(latest(), 'results.json'))).toBe(true);
});

test('latest that is not a link (a directory someone made) is left as it is', () => {
  mkdirSync(latest());
  writeFileSync(join(latest(), 'keep'), 'x');
  expect(linkLatest(reports, run('r1'))).toBe('reports/latest not updated: it is not a link (left as it is)');
  expect(lstatSync(latest()).isDirectory()).toBe(true);
  expect(existsSync(join(latest(), 'keep'))).toBe(true);
});

test('a link that cannot be made is a note, not an error', () => {
  rmSync(reports, { recursive: true });
  writeFileSync(reports, 'a file where the reports directory should be');
  expect(linkLatest(reports, join(reports, 'r1'))).toMatch(/^reports\/latest not updated: ENOTDIR/);
  rmSync(reports);
  mkdirSync(reports);
});

test('a dangling previous link is replaced', () => {
  symlinkSync('gone', latest());
  expect(linkLatest(reports, run('r1'))).toBeNull();
  expect(readlinkSync(latest())).toBe('r1');
});
