// Node B once per variant — healthy and each fault switch a test file shows — started side by side with the
// run's label (removeRun cleans them up), and the few ways a test reaches one: its URL, SQL as the arena role.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { expect } from 'vitest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { CONTROL_PLANE } from '../../reference/node-kinds.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN } from '../../reference/run-containers.ts';

/** The node kind's secrets, fresh for a run (the fleet makes them the same way). */
export const nodeBSecrets = (): Record<string, string> =>
  Object.fromEntries([...CONTROL_PLANE.secrets, ...(CONTROL_PLANE.nodeSecrets ?? [])].map((name) => [name, randomBytes(24).toString('base64url')]));

/** One node B per variant (`healthy` runs with no mutant), each with 8080 published. */
export async function startNodeBVariants<V extends string>(run: string, variants: readonly V[], secrets: Record<string, string>): Promise<Map<V, StartedTestContainer>> {
  const images = await ensureReferenceImages();
  const started = await Promise.all(variants.map((variant) => CONTROL_PLANE.configure!(new GenericContainer(images[CONTROL_PLANE.image]))
    .withName(`fleetgate-arena-b-${variant}-${run}`)
    .withHostname('arena-b')
    .withLabels({ [LABEL_RUN]: run, [LABEL_NODE]: `arena-b-${variant}`, [LABEL_OWNER]: `${hostname()}:${process.pid}` })
    .withEnvironment({ ...secrets, ARENA_MUTANT: variant === 'healthy' ? '' : variant })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forLogMessage(CONTROL_PLANE.readyLog))
    .withStartupTimeout(120_000)
    .start()));
  return new Map(variants.map((variant, i) => [variant, started[i]!]));
}

/** The node's API as this host reaches it. */
export function nodeBUrl(node: StartedTestContainer): string {
  return `http://${node.getHost() === 'localhost' ? '127.0.0.1' : node.getHost()}:${node.getMappedPort(8080)}`;
}

/** SQL on the node as the arena role (the run's database password in the environment, never on a command line). */
export async function nodeBSql(node: StartedTestContainer, secrets: Record<string, string>, query: string): Promise<string> {
  const result = await node.exec(['psql', '-At', '-h', '127.0.0.1', '-U', 'arena', '-d', 'arena', '-c', query], { env: { PGPASSWORD: secrets.ARENA_DB_PASSWORD! } });
  expect(result.exitCode, result.output).toBe(0);
  return result.stdout.trim();
}
