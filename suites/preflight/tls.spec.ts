import { test, expect, currentProfile, probe } from 'fleetgate';

const https = currentProfile().http.filter((e) => e.url.startsWith('https:'));

test.for(https)('$name certificate stays valid for at least $certMinDaysLeft more days', async (endpoint, { evidence }) => {
  const url = new URL(endpoint.url);
  const result = await probe.probeCertificate(url.hostname, Number(url.port || 443));
  await evidence('certificate', result.detail);
  expect(result.ok, result.detail).toBe(true);
  expect(result.value!.daysLeft, 'days left').toBeGreaterThanOrEqual(endpoint.certMinDaysLeft);
});
