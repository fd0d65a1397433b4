// After a build only the current tag of each reference image repository is left; one in use by a
// container stays until a later run. Uses tiny empty images of kind "prunetest", never the real ones.
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { pruneStaleTags } from '../../reference/images/prune.ts';
import { IMAGE_LABEL, type ReferenceImage } from '../../reference/images/recipe.ts';

const KIND = 'prunetest';
const REPOSITORY = `fleetgate/arena-${KIND}`;
const CONTAINER = 'fleetgate-prunetest-user';

async function emptyImage(tag: string, kind = KIND): Promise<void> {
  await execa('bash', ['-o', 'pipefail', '-c', 'tar -cf - --files-from /dev/null | docker import --change "$1" --change "$2" - "$3"',
    'import', `LABEL ${IMAGE_LABEL}=${kind}`, `LABEL org.fleetgate.test=${tag}`, tag]);
}

const exists = async (tag: string): Promise<boolean> => (await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0;

afterAll(async () => {
  await execa('docker', ['rm', '-f', CONTAINER], { reject: false });
  const { stdout } = await execa('docker', ['images', '--filter', `label=${IMAGE_LABEL}=${KIND}`, '--format', '{{.Repository}}:{{.Tag}}']);
  const tags = stdout.split('\n').filter((tag) => tag && !tag.startsWith('<none>'));
  if (tags.length) await execa('docker', ['rmi', ...tags], { reject: false });
});

test('old tags go, the current one and one a container uses stay, other repositories are not touched', async () => {
  const current: ReferenceImage = { kind: KIND, tag: `${REPOSITORY}:current0000` };
  const old = `${REPOSITORY}:oldtest0000`;
  const inUse = `${REPOSITORY}:oldtest0001`;
  const elsewhere = `fleetgate/someone-else-${KIND}:keep`; // e.g. built FROM a reference image: inherits its label
  for (const tag of [current.tag, old, inUse, elsewhere]) await emptyImage(tag);
  await execa('docker', ['create', '--name', CONTAINER, inUse, '/nothing']);
  const lines: string[] = [];

  expect(await pruneStaleTags([current], (line) => lines.push(line))).toEqual([old]);
  expect(lines).toEqual([`pruned old reference image tags: ${old}`]);
  expect(await exists(old)).toBe(false);
  expect(await exists(current.tag)).toBe(true);
  expect(await exists(inUse)).toBe(true);
  expect(await exists(elsewhere)).toBe(true);

  await execa('docker', ['rm', CONTAINER]);
  expect(await pruneStaleTags([current])).toEqual([inUse]);
  expect(await exists(current.tag)).toBe(true);
});
