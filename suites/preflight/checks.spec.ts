import { test, expect, currentProfile } from 'fleetgate';

// The platform's own checks the profile names (a drift check, a self-test): the node runs each.
const { checks } = currentProfile();

test.for(checks)('check $name passes', async ({ run }, { node, evidence }) => {
  const [command, ...args] = run;
  const result = await node.run(command!, args);
  await evidence('check output', result.json ?? result.stdout);
  expect(result).toSucceed();
  if (result.json !== undefined) expect(result.json, 'check verdict').toMatchObject({ ok: true });
});
