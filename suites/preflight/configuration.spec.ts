import { test, expect, currentProfile } from 'fleetgate';

const { config, role } = currentProfile();

test.for(config ? [{ ...config, role }] : [])('the node configuration validates for role $role', async ({ validate }, { node, evidence }) => {
  const [command, ...args] = validate;
  const result = await node.run(command!, args);
  await evidence('validator output', result.json ?? result.stdout);
  expect(result).toSucceed();
  if (result.json !== undefined) expect(result.json, 'validator verdict').toMatchObject({ ok: true });
});
