import { expect, test } from 'vitest';
import { compareVersions, diskFree, memoryAvailable, parseVersion } from '../../helpers/node-facts.ts';
import { TargetNode } from '../../helpers/node.ts';

test.for([
  ['psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', '15.18'],
  ['Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64', '7.0.15'],
  ['OpenSSL 3.0.20 1 Sep 2026 (Library: OpenSSL 3.0.20)', '3.0.20'],
  ['Python 3.11.2', '3.11.2'],
  ['no digits here', undefined],
])('parseVersion(%j) is %j', ([text, version]) => {
  expect(parseVersion(text!)).toBe(version);
});

test('compareVersions compares numerically, not as text', () => {
  expect(compareVersions('15.18', '15')).toBe(1);
  expect(compareVersions('3.9', '3.11')).toBe(-1);
  expect(compareVersions('7', '7.0.0')).toBe(0);
});

const local = new TargetNode('here', { kind: 'local' });

test('disk headroom on this machine matches what df says', async () => {
  const facts = await diskFree(local, '/');
  expect(facts.totalMiB).toBeGreaterThan(0);
  expect(facts.availableMiB).toBeLessThanOrEqual(facts.totalMiB);
  expect(facts.freePercent).toBeCloseTo((facts.availableMiB / facts.totalMiB) * 100, 0);
});

test('disk headroom of a missing path is an error, not 0%', async () => {
  await expect(diskFree(local, '/no/such/path/fleetgate')).rejects.toThrow(/df -Pk \/no\/such\/path\/fleetgate exited 1/);
});

test('available memory is read and plausible', async () => {
  const facts = await memoryAvailable(local);
  expect(facts.availableMiB).toBeGreaterThan(0);
  expect(['meminfo', 'cgroup v1', 'cgroup v2']).toContain(facts.source);
});
