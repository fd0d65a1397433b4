// A node with no gate report comes back as the collector's outcome.json: read as unreachable or failed,
// and a wrong file is named with its line and field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { OUTCOME_FILE, readNodeDir } from '../../cli/fleet/node-report.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function nodeDir(outcome: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-outcome-'));
  dirs.push(dir);
  if (outcome !== undefined) writeFileSync(join(dir, OUTCOME_FILE), outcome);
  return dir;
}

test('an unreachable outcome becomes an unreachable node with its reason, and no results', () => {
  const dir = nodeDir(JSON.stringify({ node: 'db-7', role: 'db', status: 'unreachable', reason: 'ssh: connect to host 10.0.0.7 port 22: Connection refused' }));
  expect(readNodeDir(dir, 'nodes/db-7')).toEqual({ name: 'db-7', role: 'db', status: 'unreachable', reason: 'ssh: connect to host 10.0.0.7 port 22: Connection refused', dir: null, results: null });
});

test('a failed outcome becomes a failed node', () => {
  const dir = nodeDir(JSON.stringify({ node: 'lb-1', role: 'lb', status: 'fail', reason: 'the gate exited 2: profile pins hostname lb-9' }));
  expect(readNodeDir(dir, 'x')).toMatchObject({ name: 'lb-1', status: 'fail', reason: 'the gate exited 2: profile pins hostname lb-9' });
});

test('a wrong outcome names its file, line and field', () => {
  const dir = nodeDir('{\n  "node": "lb-1",\n  "role": "lb",\n  "status": "down",\n  "reason": "x"\n}\n');
  expect(() => readNodeDir(dir, 'x')).toThrow(new RegExp(`${OUTCOME_FILE}:4: status: `));
});

test('a directory with neither results.json nor an outcome says so', () => {
  const dir = nodeDir(undefined);
  expect(() => readNodeDir(dir, 'x')).toThrow(/no results\.json nor outcome\.json/);
});
