import { test, expect, currentProfile, parseVersion } from 'fleetgate';

const required = currentProfile().binaries.map((b) => ({ ...b, label: b.minVersion ? `${b.name} >= ${b.minVersion}` : b.name }));

test.for(required)('$label is installed', async (binary, { node, evidence }) => {
  const result = await node.run(binary.name, binary.versionArgs);
  const version = parseVersion(`${result.stdout}\n${result.stderr}`);
  await evidence('version', version ?? result.stderr.trim());
  expect(result).toSucceed();
  if (binary.minVersion) expect(version).toBeAtLeastVersion(binary.minVersion);
});
