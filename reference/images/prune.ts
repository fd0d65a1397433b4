// Each changed input builds a new tag; without pruning, old `fleetgate/arena-*` images pile up.
import { execa } from 'execa';
import { IMAGE_LABEL, type ReferenceImage } from './recipe.ts';

const repositoryOf = (tag: string): string => tag.slice(0, tag.lastIndexOf(':'));

/** Tags of the same repository and kind (label) as `image`, other than its own. */
async function otherTags(image: ReferenceImage): Promise<string[]> {
  const { stdout } = await execa('docker', ['images', '--filter', `label=${IMAGE_LABEL}=${image.kind}`, '--format', '{{.Repository}}:{{.Tag}}']);
  return stdout.split('\n').filter((tag) => tag !== image.tag && repositoryOf(tag) === repositoryOf(image.tag));
}

/**
 * Keep only the current tag of each image's repository. Docker refuses to remove a tag a container
 * uses (no --force here): that one is skipped quietly and goes at a later run. Returns what went.
 */
export async function pruneStaleTags(current: readonly ReferenceImage[], log: (line: string) => void = () => undefined): Promise<string[]> {
  const pruned: string[] = [];
  for (const image of current) {
    for (const tag of await otherTags(image)) {
      const { exitCode, stderr } = await execa('docker', ['rmi', tag], { reject: false });
      if (exitCode === 0) pruned.push(tag);
      else if (!/conflict|no such image/i.test(stderr)) log(`could not remove the old image ${tag}: ${stderr.trim()}`);
    }
  }
  if (pruned.length) log(`pruned old reference image tags: ${pruned.join(', ')}`);
  return pruned;
}
