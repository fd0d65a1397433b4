import { test, expect, currentProfile } from 'fleetgate';
import { varsFor } from '../../vars.schema.ts';

const { redis, vars } = currentProfile();
const { evictionPolicy } = varsFor(vars, 'db');

test.for(redis)(`Redis $name evicts with the ${evictionPolicy} policy`, async (target, { connectRedis, evidence }) => {
  const client = await connectRedis(target);
  const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
  await evidence('maxmemory-policy', policy);
  expect(policy, 'maxmemory-policy').toBe(evictionPolicy);
});
