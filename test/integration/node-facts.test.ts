// Headroom facts read through a real node whose limits are known: a container with a 64 MiB tmpfs
// and a 512 MiB memory limit, reached through the docker transport as a gate would reach it.
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execa } from 'execa';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { LABEL_OWNER, LABEL_RUN } from '../../reference/run-containers.ts';
import { diskFree, memoryAvailable } from '../../helpers/node-facts.ts';
import { TargetNode } from '../../helpers/node.ts';

const name = `fleetgate-node-facts-${process.pid}`;
const node = new TargetNode(name, { kind: 'docker', container: name });

beforeAll(async () => {
  const { nodeB } = await ensureReferenceImages();
  await execa('docker', [
    'run', '-d', '--name', name, '--label', `${LABEL_RUN}=node-facts-${process.pid}`, '--label', `${LABEL_OWNER}=${hostname()}:${process.pid}`,
    '--memory', '512m', '--tmpfs', '/data:rw,size=64m', '--tmpfs', '/hog:rw,size=300m', '--entrypoint', 'sleep', nodeB, '300',
  ]);
});
afterAll(async () => {
  await execa('docker', ['rm', '-f', '-v', name], { reject: false });
});

test('disk headroom follows what is written to the path', async () => {
  expect(await diskFree(node, '/data')).toEqual({ path: '/data', totalMiB: 64, availableMiB: 64, freePercent: 100 });
  await node.sh('head -c 48M /dev/zero > /data/fill', { check: true });
  expect(await diskFree(node, '/data')).toEqual({ path: '/data', totalMiB: 64, availableMiB: 16, freePercent: 25 });
});

test('available memory is bounded by the container\'s limit and drops by what a process holds', async () => {
  const idle = await memoryAvailable(node);
  expect(idle.source).toMatch(/^cgroup/);
  expect(idle.availableMiB).toBeGreaterThan(400);
  expect(idle.availableMiB).toBeLessThanOrEqual(512);
  // tmpfs pages are charged to the container's cgroup and cannot be dropped like page cache.
  await node.sh('head -c 200M /dev/zero > /hog/hog', { check: true });
  const held = await memoryAvailable(node);
  expect(idle.availableMiB - held.availableMiB).toBeGreaterThan(180);
});

test('disk headroom of a missing path is an error, not 0 %', async () => {
  await expect(diskFree(node, '/no/such/path/fleetgate')).rejects.toThrow(/df -Pk \/no\/such\/path\/fleetgate exited 1/);
});
