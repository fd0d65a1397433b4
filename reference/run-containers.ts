// The containers of a run, found by label: removed when the run ends (or at once, when it must exit now),
// listed for residue checks, and reaped when the process that started them is gone. Only node's own
// child_process here, so the gate can load it without the heavy docker clients.
import { execFile, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { isAlive } from './pids.ts';

/** The run id on every container a run starts: how the run, and residue checks, find them again. */
export const LABEL_RUN = 'org.fleetgate.run';
/** Which reference node a container is. */
export const LABEL_NODE = 'org.fleetgate.node';
/** `<host>:<pid>` of the process that started the container: lets a later run reap what a killed one left. `<host>:stack` outlives its process (`npm run stack:up`). */
export const LABEL_OWNER = 'org.fleetgate.owner';

const docker = async (args: string[]): Promise<string> => (await promisify(execFile)('docker', args)).stdout;
const lines = (text: string): string[] => text.split('\n').filter(Boolean);
const ofRun = (runId: string): string[] => ['ps', '-aq', '--filter', `label=${LABEL_RUN}=${runId}`];
const removal = (ids: string[]): string[] => ['rm', '-f', '-v', ...ids];
const networksOf = (label: string): string[] => ['network', 'ls', '-q', '--filter', `label=${label}`];

/**
 * A network of the run's own, labelled like its containers, for nodes that name one another (node C reads
 * node B's state at `arena-b1`): removed with the run's containers, reaped with them after a killed run.
 */
export async function createRunNetwork(runId: string, owner: string): Promise<string> {
  const name = `fleetgate-${runId}`;
  await docker(['network', 'create', '--label', `${LABEL_RUN}=${runId}`, '--label', `${LABEL_OWNER}=${owner}`, name]);
  return name;
}

/** Names of the networks fleetgate runs created that still exist: one run's (runId), or every run's. */
export async function leftoverNetworks(runId?: string): Promise<string[]> {
  return lines(await docker(['network', 'ls', '--filter', `label=${runId ? `${LABEL_RUN}=${runId}` : LABEL_RUN}`, '--format', '{{.Name}}']));
}

/**
 * Remove every container a run created (by label), whatever state it is in. A second look catches what a
 * node of the run started (node B's instances) while the first removal was under way.
 */
export async function removeRun(runId: string): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    const ids = lines(await docker(ofRun(runId)).catch(() => ''));
    if (!ids.length) break;
    await docker(removal(ids)).catch(() => undefined);
  }
  const networks = lines(await docker(networksOf(`${LABEL_RUN}=${runId}`)).catch(() => ''));
  if (networks.length) await docker(['network', 'rm', ...networks]).catch(() => undefined);
}

/** Remove the images the host's daemon pulled from registries of a run (`host:port`, published for that run only). */
export async function removeImagesFrom(registries: readonly string[]): Promise<void> {
  for (const registry of registries) {
    const refs = lines(await docker(['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => '')).filter((ref) => ref.startsWith(`${registry}/`));
    if (refs.length) await docker(['rmi', ...refs]).catch(() => undefined);
  }
}

/** removeRun, synchronously: for a process that exits now (a second stop request) and cannot wait. */
export function removeRunNow(runId: string): void {
  for (let pass = 0; pass < 3; pass++) {
    const ids = lines(spawnSync('docker', ofRun(runId), { encoding: 'utf8' }).stdout ?? '');
    if (!ids.length) break;
    spawnSync('docker', removal(ids));
  }
  const networks = lines(spawnSync('docker', networksOf(`${LABEL_RUN}=${runId}`), { encoding: 'utf8' }).stdout ?? '');
  if (networks.length) spawnSync('docker', ['network', 'rm', ...networks]);
}

/** Names of the containers fleetgate runs created that still exist: one run's (runId), or every run's. */
export async function leftoverContainers(runId?: string): Promise<string[]> {
  const label = runId ? `${LABEL_RUN}=${runId}` : LABEL_RUN;
  return lines(await docker(['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']));
}

/** Of `name owner` lines, the names whose owner is a process of this host that is gone. */
const ownerGone = (listed: string): string[] => lines(listed).flatMap((line) => {
  const [name, owner = ''] = line.split(' ');
  const [host, pid] = owner.split(':');
  return host === hostname() && /^\d+$/.test(pid ?? '') && !isAlive(Number(pid)) ? [name!] : [];
});

/** Remove containers (then networks) whose owning process on this host is gone (a run killed with SIGKILL cannot clean up). */
export async function reapOrphans(log: (line: string) => void = () => undefined): Promise<string[]> {
  const orphans = ownerGone(await docker(['ps', '-a', '--filter', `label=${LABEL_RUN}`, '--format', `{{.Names}} {{.Label "${LABEL_OWNER}"}}`]));
  if (orphans.length) {
    await docker(removal(orphans));
    log(`removed ${orphans.length} container(s) left by a killed run: ${orphans.join(', ')}`);
  }
  const networks = ownerGone(await docker(['network', 'ls', '--filter', `label=${LABEL_RUN}`, '--format', `{{.Name}} {{.Label "${LABEL_OWNER}"}}`]).catch(() => ''));
  if (networks.length) await docker(['network', 'rm', ...networks]).catch(() => undefined);
  return orphans;
}
