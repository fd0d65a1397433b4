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
  'suites/vars.schema.ts',
  'suites/README.md',
  'suites/_shared/api/client.ts',
]) {
  mkdirSync(join(root, dirname(file)), { recursive: true });
  writeFileSync(join(root, file), '');
}

test("a role's bundle has the suites' shared files and that role's folders, not other roles'", () => {
  const shared = ['suites/_shared/api/client.ts'];
  expect(suiteFiles(root, 'vpn')).toEqual([
    ...shared, 'suites/preflight/data.json', 'suites/preflight/health.spec.ts', 'suites/preflight/vpn/lib/peer.ts', 'suites/preflight/vpn/peers.spec.ts', 'suites/vars.schema.ts',
  ]);
  expect(suiteFiles(root, 'registry')).toEqual([...shared, 'suites/preflight/data.json', 'suites/preflight/health.spec.ts', 'suites/vars.schema.ts']);
});

test('an all-roles bundle has every role folder; READMEs stay out', () => {
  expect(suiteFiles(root, 'all')).toEqual([
    'suites/_shared/api/client.ts',
    'suites/drills/bitcoin-node/sync.spec.ts',
    'suites/preflight/data.json',
    'suites/preflight/health.spec.ts',
    'suites/preflight/lb/backends.spec.ts',
    'suites/preflight/vpn/lib/peer.ts',
    'suites/preflight/vpn/peers.spec.ts',
    'suites/vars.schema.ts',
  ]);
});

test('role folders are found in the suites, so --role accepts operator roles; a `_…` folder is shared code, not a suite', () => {
  expect(rolesIn([join(root, 'suites')])).toEqual(['bitcoin-node', 'lb', 'vpn']);
});
