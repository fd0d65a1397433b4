// Reference images are built here, never pulled: debootstrap rootfs → `docker import` → `docker build`.
// Tags hash their inputs (recipe.ts): an unchanged image is reused, a changed input builds a new one, and
// the old tags go. One process at a time; a killed build's root filesystem is removed at the next run.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { buildBase } from './base.ts';
import { DEFAULT_BUILD_ROOT, removeStaleBuildDirs } from './build-dirs.ts';
import { withImagesLock } from './lock.ts';
import { pruneStaleTags } from './prune.ts';
import { baseImage, currentBaseRecipe, dockerfileImage, type DockerfileImage } from './recipe.ts';

/** Each node image: its key in ReferenceImages and its folder under reference/ (kind = folder name). */
const NODE_FOLDERS = { nodeA: 'node-a', nodeB: 'node-b', nodeC: 'node-c' } as const;
/** What every node image carries besides its own folder: the code the nodes share. */
const SHARED_FOLDERS = ['node-common'] as const;
const REFERENCE_DIR = resolve(import.meta.dirname, '..');

async function imageExists(tag: string): Promise<boolean> {
  const { exitCode } = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return exitCode === 0;
}

/** The node's folder with the shared folders beside its own files, for the length of one build. */
async function withBuildContext<T>(image: DockerfileImage, build: (context: string) => Promise<T>): Promise<T> {
  if (!image.shared.length) return build(image.dir);
  const context = mkdtempSync(join(tmpdir(), 'fleetgate-build-context-'));
  try {
    cpSync(image.dir, context, { recursive: true });
    for (const folder of image.shared) cpSync(folder, join(context, basename(folder)), { recursive: true });
    return await build(context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
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
    const shared = SHARED_FOLDERS.map((folder) => join(REFERENCE_DIR, folder));
    const nodes = Object.entries(NODE_FOLDERS).map(([key, folder]) => ({ key, image: dockerfileImage(folder, join(REFERENCE_DIR, folder), base, shared) }));
    for (const { image } of nodes) {
      signal?.throwIfAborted();
      if (await imageExists(image.tag)) continue;
      log(`building ${image.tag}`);
      await withBuildContext(image, (context) => execa('docker', ['build', '-q', '--force-rm', ...image.args, '-t', image.tag, context], { cancelSignal: signal }));
    }
    // FLEETGATE_IMAGE_PRUNE=0: a machine shared with other checkouts keeps their tags (each prunes the others').
    if (process.env.FLEETGATE_IMAGE_PRUNE !== '0') await pruneStaleTags([...nodes.map((n) => n.image), base], log);
    return Object.fromEntries(nodes.map((n) => [n.key, n.image.tag])) as ReferenceImages;
  }, { log });
}
