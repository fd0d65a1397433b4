// Zero residue even after a run killed with SIGKILL: the next run reaps what it left.
import { hostname } from 'node:os';
import { expect, test } from 'vitest';
import { execa } from 'execa';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { LABEL_OWNER, LABEL_RUN, leftoverContainers, reapOrphans } from '../../reference/run-containers.ts';

test('containers of a dead owner are removed, those of a live one are kept', async () => {
  const { nodeB } = await ensureReferenceImages();
  const deadPid = 2 ** 22 + 12345; // above pid_max's default, so never a live process
  const create = (name: string, owner: string): Promise<unknown> =>
    execa('docker', ['create', '--name', name, '--label', `${LABEL_RUN}=residue-test`, '--label', `${LABEL_OWNER}=${owner}`, nodeB]);
  await create('fleetgate-residue-dead', `${hostname()}:${deadPid}`);
  await create('fleetgate-residue-live', `${hostname()}:${process.pid}`);
  try {
    expect(await reapOrphans()).toContain('fleetgate-residue-dead');
    const left = await leftoverContainers();
    expect(left).toContain('fleetgate-residue-live');
    expect(left).not.toContain('fleetgate-residue-dead');
  } finally {
    await execa('docker', ['rm', '-f', 'fleetgate-residue-dead', 'fleetgate-residue-live'], { reject: false });
  }
});
