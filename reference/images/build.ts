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

const NODE_B_DIR = resolve(import.meta.dirname, '../node-b');

async function imageExists(tag: string): Promise<boolean> {
  const { exitCode } = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return exitCode === 0;
}

export interface ReferenceImages {
  nodeB: string;
}

/** Make sure the reference images exist locally, and only their current tags; returns those tags. An abort of `signal` stops a build. */
export async function ensureReferenceImages(log: (line: string) => void = () => undefined, signal?: AbortSignal): Promise<ReferenceImages> {
  return withImagesLock(async () => {
    await removeStaleBuildDirs(DEFAULT_BUILD_ROOT, log);
    const recipe = currentBaseRecipe();
    const base = baseImage(recipe);
    signal?.throwIfAborted();
    if (!(await imageExists(base.tag))) await buildBase(recipe, base, DEFAULT_BUILD_ROOT, log);
    const nodeB = dockerfileImage('node-b', NODE_B_DIR, base);
    signal?.throwIfAborted();
    if (!(await imageExists(nodeB.tag))) {
      log(`building ${nodeB.tag}`);
      await execa('docker', ['build', '-q', '--force-rm', ...nodeB.args, '-t', nodeB.tag, nodeB.dir], { cancelSignal: signal });
    }
    await pruneStaleTags([nodeB, base], log);
    return { nodeB: nodeB.tag };
  }, { log });
}
