// Reference images are built here, never pulled: debootstrap rootfs → `docker import` → `docker build`.
// Tags hash their inputs (recipe.ts): an unchanged image is reused, a changed input builds a new one, and
// the old tags go. One process at a time; a killed build's root filesystem is removed at the next run.
import { resolve } from 'node:path';
import { execa } from 'execa';
import { buildBase } from './base.ts';
import { DEFAULT_BUILD_ROOT, removeStaleBuildDirs } from './build-dirs.ts';
import { withImagesLock } from './lock.ts';
import { pruneStaleTags } from './prune.ts';
import { baseImage, currentBaseRecipe, dockerfileImage } from './recipe.ts';

/** Each node image: its key in ReferenceImages and its folder under reference/ (kind = folder name). */
const NODE_FOLDERS = { nodeA: 'node-a', nodeB: 'node-b', nodeC: 'node-c' } as const;

async function imageExists(tag: string): Promise<boolean> {
  const { exitCode } = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return exitCode === 0;
}

export type ReferenceImages = { readonly [K in keyof typeof NODE_FOLDERS]: string };

/** Make sure the reference images exist locally, and only their current tags; returns those tags. An abort of `signal` stops a build. */
export async function ensureReferenceImages(log: (line: string) => void = () => undefined, signal?: AbortSignal): Promise<ReferenceImages> {
  return withImagesLock(async () => {
    await removeStaleBuildDirs(DEFAULT_BUILD_ROOT, log);
    const recipe = currentBaseRecipe();
    const base = baseImage(recipe);
    signal?.throwIfAborted();
    if (!(await imageExists(base.tag))) await buildBase(recipe, base, DEFAULT_BUILD_ROOT, log);
    const nodes = Object.entries(NODE_FOLDERS).map(([key, folder]) => ({ key, image: dockerfileImage(folder, resolve(import.meta.dirname, '..', folder), base) }));
    for (const { image } of nodes) {
      signal?.throwIfAborted();
      if (await imageExists(image.tag)) continue;
      log(`building ${image.tag}`);
      await execa('docker', ['build', '-q', '--force-rm', ...image.args, '-t', image.tag, image.dir], { cancelSignal: signal });
    }
    // FLEETGATE_IMAGE_PRUNE=0: a machine shared with other checkouts keeps their tags (each prunes the others').
    if (process.env.FLEETGATE_IMAGE_PRUNE !== '0') await pruneStaleTags([...nodes.map((n) => n.image), base], log);
    return Object.fromEntries(nodes.map((n) => [n.key, n.image.tag])) as ReferenceImages;
  }, { log });
}
