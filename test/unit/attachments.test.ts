// Saving a criterion's attachments into a report folder: names, folders, encodings, masking, and how a
// fleet's report finds a node's files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { TestAnnotation } from 'vitest';
import { criterionFolder, saveAttachment, slug, underFolder } from '../../cli/report/attachments.ts';
import { rebasedAttachments } from '../../cli/fleet/fleet-report.ts';
import { reportOf } from '../../cli/fleet/node-report.ts';
import { beginRedaction, registerSecret } from '../../helpers/redact.ts';
import type { ResultsDocument } from '../../cli/report/results.ts';

const out = mkdtempSync(join(tmpdir(), 'fleetgate-attachments-unit-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const ID = 'appearance/pages.spec.ts::home renders readably with every appearance preset';
const store = { out, iteration: 3, folder: '3' };
const annotation = (message: string, attachment: TestAnnotation['attachment']): TestAnnotation => ({ message, type: 'attachment', ...(attachment ? { attachment } : {}) });

test('a folder per criterion: readable, and two titles that slug alike stay apart', () => {
  expect(slug('Home: light @ 360 px!')).toBe('home-light-360-px');
  expect(criterionFolder(ID)).toMatch(/^home-renders-readably-with-every-appearance-preset-[0-9a-f]{8}$/);
  expect(criterionFolder('b/y.spec.ts::home renders readably with every appearance preset')).not.toBe(criterionFolder(ID));
  expect(criterionFolder('a/x.spec.ts::A b')).not.toBe(criterionFolder('a/x.spec.ts::a-b'));
});

test('base64 bytes are written as they are; a second one of the same name is numbered', () => {
  const taken = new Set<string>();
  const body = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');
  const first = saveAttachment(store, ID, annotation('light 360', { body, contentType: 'image/png' }), taken);
  const second = saveAttachment(store, ID, annotation('light 360', { body, contentType: 'image/png' }), taken);
  expect(first).toEqual({ name: 'light 360', path: `attachments/${criterionFolder(ID)}/3/light-360.png`, contentType: 'image/png', iteration: 3 });
  expect(second?.path).toBe(`attachments/${criterionFolder(ID)}/3/light-360-2.png`);
  expect(readFileSync(join(out, first!.path))).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
});

test('text is masked, from a body or a file; a URL is listed, not copied; no attachment, no item', () => {
  beginRedaction();
  registerSecret('hunter2-but-longer');
  const taken = new Set<string>();
  const text = saveAttachment(store, ID, annotation('log', { body: 'pw=hunter2-but-longer', bodyEncoding: 'utf-8', contentType: 'text/plain' }), taken);
  expect(readFileSync(join(out, text!.path), 'utf8')).toBe('pw=[redacted]');
  const file = join(out, 'staged.json');
  writeFileSync(file, '{"password":"hunter2-but-longer"}');
  const copied = saveAttachment(store, ID, annotation('state', { path: file }), taken);
  expect(copied).toMatchObject({ contentType: 'application/json', path: `attachments/${criterionFolder(ID)}/3/state.json` });
  expect(readFileSync(join(out, copied!.path), 'utf8')).toBe('{"password":"[redacted]"}');
  expect(existsSync(file)).toBe(false); // Vitest's staged copy is not kept
  expect(saveAttachment(store, ID, annotation('trace', { path: 'https://ci.example/trace/1' }), taken)).toEqual({ name: 'trace', path: 'https://ci.example/trace/1', contentType: 'text/html', iteration: 3 });
  expect(saveAttachment(store, ID, annotation('nothing', undefined), taken)).toBeNull();
});

test('a file that cannot be read becomes an item saying so, not an exception', () => {
  const item = saveAttachment(store, ID, annotation('gone', { path: join(out, 'missing.png') }), new Set());
  expect(item?.name).toMatch(/^gone \(not saved: ENOENT/);
});

test('a fleet report sees each node\'s attachments under its folder; URLs stay', () => {
  expect(underFolder({ name: 'a', path: 'attachments/x/1/a.png', contentType: 'image/png', iteration: 1 }, 'nodes/b1').path).toBe('nodes/b1/attachments/x/1/a.png');
  const criterion = { attachments: [{ name: 'a', path: 'attachments/x/1/a.png', contentType: 'image/png', iteration: 1 }, { name: 'u', path: 'https://x/y', contentType: 'text/html', iteration: 1 }] };
  const doc = { run: { node: 'b1', role: 'browser', exitCode: 0, aborted: null }, criteria: [criterion] } as unknown as ResultsDocument;
  const rebased = rebasedAttachments(reportOf(doc, 'nodes/b1'));
  expect(rebased.results!.criteria[0]!.attachments!.map((a) => a.path)).toEqual(['nodes/b1/attachments/x/1/a.png', 'https://x/y']);
});
