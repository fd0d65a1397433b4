// Node A and one node B per variant ('healthy' or a fault switch's name), started side by side for the tests
// of node B's instances: A's registry published on the host's loopback, where the host's Docker daemon pulls
// from, and every B given its address, the secrets and the run's labels (so removeRun finds the instances too).
import { hostname } from 'node:os';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { freePort } from '../../reference/fleet.ts';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { CONTROL_PLANE, REGISTRY, publishOnLoopback } from '../../reference/node-kinds.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN } from '../../reference/run-containers.ts';

export interface RegistryAndControlPlanes<V extends string> {
  /** `127.0.0.1:<port>`: A's registry as the host's daemon reaches it. */
  registry: string;
  nodeA: StartedTestContainer;
  nodes: Map<V, StartedTestContainer>;
}

/** `secrets` holds at least ARENA_REGISTRY_PASSWORD and node B's; `env(variant)` adds to a B's environment. */
export async function startRegistryAndControlPlanes<V extends string>(
  run: string, variants: readonly V[], secrets: Record<string, string>, env: (variant: V) => Record<string, string> = () => ({}),
): Promise<RegistryAndControlPlanes<V>> {
  const images = await ensureReferenceImages();
  const port = await freePort();
  const registry = `127.0.0.1:${port}`;
  const owner = `${hostname()}:${process.pid}`;
  const labels = (node: string): Record<string, string> => ({ [LABEL_RUN]: run, [LABEL_NODE]: node, [LABEL_OWNER]: owner });
  // A and every B start together: B needs only A's address, known before either starts.
  const a = publishOnLoopback(REGISTRY.configure!(new GenericContainer(images[REGISTRY.image])), 5000, port)
    .withName(`fleetgate-arena-a-${run}`).withHostname('arena-a').withLabels(labels('arena-a'))
    .withEnvironment({ ARENA_REGISTRY_PASSWORD: secrets.ARENA_REGISTRY_PASSWORD! })
    .withWaitStrategy(Wait.forLogMessage(REGISTRY.readyLog)).withStartupTimeout(120_000).start();
  const bs = variants.map((variant) => CONTROL_PLANE.configure!(new GenericContainer(images[CONTROL_PLANE.image]))
    .withName(`fleetgate-arena-b-${variant}-${run}`).withHostname('arena-b').withLabels(labels(`arena-b-${variant}`))
    .withEnvironment({
      ...secrets, ...CONTROL_PLANE.needs!.env(registry), ARENA_MUTANT: variant === 'healthy' ? '' : variant,
      FLEETGATE_RUN_LABELS: `${LABEL_RUN}=${run},${LABEL_OWNER}=${owner}`, ...env(variant),
    })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forLogMessage(CONTROL_PLANE.readyLog)).withStartupTimeout(120_000).start());
  const [nodeA, ...started] = await Promise.all([a, ...bs]);
  return { registry, nodeA: nodeA!, nodes: new Map(variants.map((variant, i) => [variant, started[i]!])) };
}
