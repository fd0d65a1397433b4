import { test, expect, currentProfile, probe } from 'fleetgate';
import { varsFor } from '../../vars.schema.ts';
import { parseStatsCsv } from './haproxy-stats.ts';

const { backends, stats } = varsFor(currentProfile().vars, 'lb');

test.for(backends)('backend $name answers directly within $maxLatencyMs ms', async (backend, { evidence }) => {
  const result = await probe.sampleMedian(3, () => probe.probeHttp(backend.url));
  await evidence('latency samples ms', result.samplesMs);
  expect(result).toHaveStatus(200);
  expect(result).toAnswerWithin(backend.maxLatencyMs);
});

test.for(backends)('the load balancer reports backend $name UP', async (backend, { evidence }) => {
  const page = await probe.probeHttp(stats.url, { auth: { user: stats.user, password: stats.password } });
  expect(page).toHaveStatus(200);
  const server = parseStatsCsv(page.value!.body).find((row) => row.pxname === stats.proxy && row.svname === backend.name);
  await evidence('HAProxy server', server ? { status: server.status, check: server.check_desc, last: server.last_chk } : 'not listed');
  expect(server?.status, `HAProxy status of ${stats.proxy}/${backend.name}`).toBe('UP');
});
