// The example's one image, built locally FROM fleetgate's reference base (no registry), the way the
// reference images are: tagged by a hash of its folder and build arguments, old tags pruned, one builder at a time.
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { withImagesLock } from '../../reference/images/lock.ts';
import { pruneStaleTags } from '../../reference/images/prune.ts';
import { baseImage, currentBaseRecipe, dockerfileImage } from '../../reference/images/recipe.ts';

const KIND = 'example-lb-db';

/** Make sure `fleetgate/example-lb-db:<hash>` exists locally (and no older tag of it); returns its tag. */
export async function ensureExampleImage(log: (line: string) => void = () => undefined): Promise<string> {
  await ensureReferenceImages(log);
  const recipe = dockerfileImage(KIND, join(import.meta.dirname, 'image'), baseImage(currentBaseRecipe()));
  // Not a reference image: its own repository, the same hash.
  const image = { ...recipe, tag: `fleetgate/${KIND}:${recipe.tag.split(':').at(-1)}` };
  return withImagesLock(async () => {
    const { exitCode } = await execa('docker', ['image', 'inspect', image.tag], { reject: false });
    if (exitCode !== 0) {
      log(`building ${image.tag} (apt-get install haproxy nginx-light)`);
      await execa('docker', ['build', '-q', '--force-rm', ...image.args, '-t', image.tag, image.dir]);
    }
    await pruneStaleTags([image], log);
    return image.tag;
  }, { log });
}
