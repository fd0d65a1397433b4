// Docker facts on the node (containers, their labels, networks, volumes) through its daemon's API with
// dockerode, never by parsing CLI output. The node's socket, or DOCKER_HOST when the operator sets one.
import type Docker from 'dockerode';

export type { default as Docker } from 'dockerode';

/** Loaded on first use: most specs never talk to Docker, and dockerode takes a while to import. */
export async function nodeDocker(): Promise<Docker> {
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode();
}

/** Containers (running or not) carrying every label given: `{ 'arena.principal': '7' }`, or a name for "has this label". */
export async function containersLabelled(docker: Docker, labels: Record<string, string> | readonly string[]): Promise<Docker.ContainerInfo[]> {
  const label = Array.isArray(labels) ? [...labels] : Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return docker.listContainers({ all: true, filters: { label } });
}
