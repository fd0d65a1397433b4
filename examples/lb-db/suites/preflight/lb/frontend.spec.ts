import { test, expect, currentProfile, probe } from 'fleetgate';
import { varsFor } from '../../vars.schema.ts';

const { frontend, requests, backends } = varsFor(currentProfile().vars, 'lb');

test(`the frontend spreads ${requests} requests over every backend`, async ({ evidence }) => {
  const answers: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const result = await probe.probeHttp(frontend); // each backend answers with its own name
    const by = result.value?.status === 200 ? result.value.body.trim() : `no answer (${result.detail})`;
    answers[by] = (answers[by] ?? 0) + 1;
  }
  await evidence('answers per backend', answers);
  expect(backends.map((b) => b.name).filter((name) => !answers[name]), 'backends that answered none').toEqual([]);
});
