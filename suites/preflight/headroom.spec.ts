import { test, expect, currentProfile, diskFree, memoryAvailable } from 'fleetgate';

const { headroom } = currentProfile();

test.for(headroom.disk)('$path keeps at least $minFreePercent% disk free', async (disk, { node, evidence }) => {
  const facts = await diskFree(node, disk.path);
  await evidence('disk', facts);
  expect(facts.freePercent, `${disk.path} free %`).toBeGreaterThanOrEqual(disk.minFreePercent);
});

test.for(headroom.memory ? [headroom.memory] : [])('at least $minAvailableMiB MiB of memory stay available', async (memory, { node, evidence }) => {
  const facts = await memoryAvailable(node);
  await evidence('memory', facts);
  expect(facts.availableMiB, `available MiB (${facts.source})`).toBeGreaterThanOrEqual(memory.minAvailableMiB);
});
