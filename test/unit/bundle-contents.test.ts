// Which suite files a bundle for one role (or all) carries, and which role folders the suites have.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { suiteFiles } from '../../cli/bundle/contents.ts';
import { rolesIn } from '../../helpers/suites-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'fleetgate-contents-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

for (const file of [
  'suites/preflight/health.spec.ts',
  'suites/preflight/data.json',
  'suites/preflight/README.md',
  'suites/preflight/vpn/peers.spec.ts',
  'suites/preflight/vpn/lib/peer.ts',
  'suites/preflight/lb/backends.spec.ts',
  'suites/drills/README.md',
  'suites/drills/bitcoin-node/sync.spec.ts',
]) {
  mkdirSync(join(root, dirname(file)), { recursive: true });
  writeFileSync(join(root, file), '');
}

test("a role's bundle has the suites' shared files and that role's folders, not other roles'", () => {
  expect(suiteFiles(root, 'vpn')).toEqual(['suites/preflight/data.json', 'suites/preflight/health.spec.ts', 'suites/preflight/vpn/lib/peer.ts', 'suites/preflight/vpn/peers.spec.ts']);
  expect(suiteFiles(root, 'registry')).toEqual(['suites/preflight/data.json', 'suites/preflight/health.spec.ts']);
});

test('an all-roles bundle has every role folder; READMEs stay out', () => {
  expect(suiteFiles(root, 'all')).toEqual([
    'suites/drills/bitcoin-node/sync.spec.ts',
    'suites/preflight/data.json',
    'suites/preflight/health.spec.ts',
    'suites/preflight/lb/backends.spec.ts',
    'suites/preflight/vpn/lib/peer.ts',
    'suites/preflight/vpn/peers.spec.ts',
  ]);
});

test('role folders are found in the suites, so --role accepts operator roles', () => {
  expect(rolesIn([join(root, 'suites')])).toEqual(['bitcoin-node', 'lb', 'vpn']);
});
