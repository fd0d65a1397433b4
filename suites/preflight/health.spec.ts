import { test, expect, currentProfile, probe } from 'fleetgate';

const { http } = currentProfile();

test.for(http.filter((e) => e.health))('$name $health reports healthy', async (endpoint, { evidence }) => {
  const result = await probe.probeHttp(new URL(endpoint.health!, endpoint.url).href, { insecure: endpoint.insecure, auth: endpoint.auth });
  await evidence('response', result.detail);
  expect(result).toHaveStatus(200);
});

test.for(http.filter((e) => e.ready))('$name $ready reports ready', async (endpoint, { evidence }) => {
  const result = await probe.probeHttp(new URL(endpoint.ready!, endpoint.url).href, { insecure: endpoint.insecure, auth: endpoint.auth });
  await evidence('response', result.detail);
  expect(result).toHaveStatus(200);
});
