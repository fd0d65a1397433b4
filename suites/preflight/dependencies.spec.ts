import { test, expect, currentProfile, probe } from 'fleetgate';

// Every dependency answers within its latency threshold; the median of a few samples is judged.
const { postgres, redis, http } = currentProfile();
const SAMPLES = 3;

test.for(postgres)('postgres $name answers a query within $maxLatencyMs ms', async (db, { evidence }) => {
  const result = await probe.sampleMedian(SAMPLES, () => probe.probePostgres(db));
  await evidence('latency samples ms', result.samplesMs);
  expect(result).toAnswerWithin(db.maxLatencyMs);
});

test.for(redis)('redis $name answers PING within $maxLatencyMs ms', async (target, { evidence }) => {
  const result = await probe.sampleMedian(SAMPLES, () => probe.probeRedis(target));
  await evidence('latency samples ms', result.samplesMs);
  expect(result).toAnswerWithin(target.maxLatencyMs);
});

test.for(http)('$name answers HTTP within $maxLatencyMs ms', async (endpoint, { evidence }) => {
  const url = new URL(endpoint.health ?? '/', endpoint.url).href;
  const result = await probe.sampleMedian(SAMPLES, () => probe.probeHttp(url, { insecure: endpoint.insecure, auth: endpoint.auth }));
  await evidence('latency samples ms', result.samplesMs);
  expect(result).toAnswerWithin(endpoint.maxLatencyMs);
});
