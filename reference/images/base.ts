// Carries out a base recipe: debootstrap a root filesystem → remove what the recipe says → docker import.
// recipe.ts hashes this file's text into the base tag, so a change here builds a new base.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createBuildDir, removeBuildDir } from './build-dirs.ts';
import type { BaseRecipe, ReferenceImage } from './recipe.ts';

/** Build the base image from nothing but its recipe (about a minute). */
export async function buildBase(recipe: BaseRecipe, image: ReferenceImage, buildRoot: string, log: (line: string) => void): Promise<void> {
  const rootfs = createBuildDir(buildRoot);
  try {
    log(`building ${image.tag}: debootstrap ${recipe.suite} from ${recipe.mirror} (about a minute)`);
    await execa('debootstrap', [...recipe.debootstrap, recipe.suite, rootfs, recipe.mirror]);
    for (const path of recipe.remove) rmSync(join(rootfs, path), { recursive: true, force: true });
    const changes = recipe.changes.flatMap((change) => ['--change', change]);
    await execa('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" -c . | docker import "${@:3}" - "$2"', 'import', rootfs, image.tag, ...changes]);
  } finally {
    await removeBuildDir(rootfs);
  }
}
