// Files attached by criteria, through the real gate: copied into the report folder per criterion and
// iteration, listed in results.json, linked from JUnit (valid, `[[ATTACHMENT|…]]` on its own line) and
// summary.md, secrets masked in text, and still found after `report merge` puts the node under another folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Result } from 'execa';
import type { ResultsDocument } from '../../cli/report/results.ts';
import type { FleetResults } from '../../cli/fleet/fleet-report.ts';
import { criterionFolder } from '../../cli/report/attachments.ts';
import { gate, outDir, results, criterion, xmllint, xpath, filesUnder, FIXTURES, removeOutDirs } from './gate-cli.ts';

afterAll(removeOutDirs);

const SECRET = 'attached-s3cret-value';
const args = ['--profile', join(FIXTURES, 'profiles/local.yaml'), '--suites', join(FIXTURES, 'suites'), '--suite', 'attachments'];
const ID = 'attachments/attach.spec.ts::a criterion that attaches three files';
/** What the fixture attaches as its image (test/fixtures/suites/attachments/attach.spec.ts). */
const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fixture image')]);

describe('two iterations of a criterion that attaches files', () => {
  const out = outDir();
  let run: Result<{ reject: false; all: true }>;
  let doc: ResultsDocument;
  beforeAll(async () => {
    run = await gate([...args, '--iterations', '2', '--out', out], { FLEETGATE_TEST_SECRET: SECRET });
    doc = results(out);
  });

  test('results.json lists each iteration\'s attachments, under attachments/<criterion>/<iteration>/', () => {
    expect(run.exitCode, run.all).toBe(1);
    const folder = `attachments/${criterionFolder(ID)}`;
    expect(folder).toMatch(/^attachments\/a-criterion-that-attaches-three-files-[0-9a-f]{8}$/);
    expect(criterion(doc, 'a criterion that attaches three files')).toMatchObject({
      verdict: 'flaky',
      attachments: [1, 2].flatMap((i) => [
        { name: 'screen at 360 px', path: `${folder}/${i}/screen-at-360-px.png`, contentType: 'image/png', iteration: i },
        { name: 'server log', path: `${folder}/${i}/server-log.txt`, contentType: 'text/plain', iteration: i },
        { name: 'table', path: `${folder}/${i}/table.csv`, contentType: 'text/csv', iteration: i },
      ]),
    });
    expect(criterion(doc, 'a criterion that attaches nothing').attachments).toEqual([]);
  });

  test('the files are in the report folder: bytes as attached, text with the secret masked', () => {
    for (const a of criterion(doc, 'a criterion that attaches three files').attachments ?? []) expect(existsSync(join(out, a.path)), a.path).toBe(true);
    const [png, log, table] = criterion(doc, 'a criterion that attaches three files').attachments!;
    expect(readFileSync(join(out, png!.path))).toEqual(PNG_BYTES);
    expect(readFileSync(join(out, log!.path), 'utf8')).toBe('connected with password [redacted]\n');
    expect(readFileSync(join(out, table!.path), 'utf8')).toBe('a,b\n1,2\n');
    for (const file of filesUnder(out)) expect(file.text, file.path).not.toContain(SECRET);
  });

  test('JUnit stays valid and names each attachment on its own line, relative to the file', async () => {
    expect(await xmllint(join(out, 'junit.xml'))).toMatchObject({ exitCode: 0 });
    const systemOut = await xpath(join(out, 'junit.xml'), "string(//testcase[@name='a criterion that attaches three files']/system-out)");
    const lines = systemOut.split('\n').filter((l) => l.startsWith('[[ATTACHMENT|'));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`[[ATTACHMENT|attachments/${criterionFolder(ID)}/1/screen-at-360-px.png]]`);
    const iteration2 = join(out, 'iterations', '2.xml');
    expect(await xmllint(iteration2)).toMatchObject({ exitCode: 0 });
    expect(await xpath(iteration2, "string(//testcase[@name='a criterion that attaches three files']/system-out)"))
      .toContain(`[[ATTACHMENT|../attachments/${criterionFolder(ID)}/2/table.csv]]`);
  });

  test('summary.md links them: the failing criterion\'s every one, and the latest of each', () => {
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain(`- iteration 2: [screen at 360 px](attachments/${criterionFolder(ID)}/2/screen-at-360-px.png)`);
    expect(summary).toMatch(/## Attachments\n\n- attachments\/attach\.spec\.ts::a criterion that attaches three files \(iteration 2\): \[screen at 360 px\]\(.*\/2\/screen-at-360-px\.png\) · \[server log\]/);
  });

  test('report merge: the node\'s attachments are found from the fleet\'s folder', async () => {
    const fleetOut = outDir();
    const merged = await gate(['report', 'merge', out, '--out', fleetOut]);
    expect(merged.exitCode, merged.all).toBe(1);
    const fleet = JSON.parse(readFileSync(join(fleetOut, 'results.json'), 'utf8')) as FleetResults;
    const attached = fleet.criteria.find((c) => c.id === ID)!.attachments!;
    expect(attached).toHaveLength(6);
    for (const a of attached) expect(existsSync(join(fleetOut, a.path)), a.path).toBe(true);
    expect(await xmllint(join(fleetOut, 'junit.xml'))).toMatchObject({ exitCode: 0 });
    expect(readFileSync(join(fleetOut, 'junit.xml'), 'utf8')).toContain(`[[ATTACHMENT|${attached[0]!.path}]]`);
  });
});
