// What each reference image is made of. A tag is a hash of every input that changes the image, so an
// unchanged image is reused and any changed input (mirror, step, build code) builds a new one.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const HERE = import.meta.dirname;
const REPOSITORY_PREFIX = 'fleetgate/arena-';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

/** Every reference image carries `org.fleetgate.reference=<kind>`: how old tags of a kind are found. */
export const IMAGE_LABEL = 'org.fleetgate.reference';

/** A reference image: its kind (the label's value, `fleetgate/arena-<kind>`) and its tag. */
export interface ReferenceImage {
  readonly kind: string;
  readonly tag: string;
}

/** Everything base.ts does, as data: the base tag hashes all of it. */
export interface BaseRecipe {
  readonly suite: string;
  readonly mirror: string;
  /** debootstrap's options; base.ts appends suite, target folder and mirror. */
  readonly debootstrap: readonly string[];
  /** Paths inside the root filesystem removed before the import. */
  readonly remove: readonly string[];
  /** `docker import --change` instructions. */
  readonly changes: readonly string[];
  /** Hash of base.ts, the code that carries the recipe out. */
  readonly builder: string;
}

/** The inputs a base recipe is made from. */
export interface BaseInputs {
  suite: string;
  packages: readonly string[];
  mirror: string;
  builder: string;
}

function digest(...parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 12);
}

function referenceImage(kind: string, hash: string): ReferenceImage {
  return { kind, tag: `${REPOSITORY_PREFIX}${kind}:${hash}` };
}

/** Pure: the recipe for given inputs, so a test can show each input reaches the tag without building. */
export function baseRecipe({ suite, packages, mirror, builder }: BaseInputs): BaseRecipe {
  return {
    suite,
    mirror,
    debootstrap: ['--variant=minbase', `--include=${packages.join(',')}`],
    // Keep the image small: package lists and caches are not needed at run time.
    remove: ['var/cache/apt/archives', 'var/lib/apt/lists'],
    changes: [`LABEL ${IMAGE_LABEL}=base`],
    builder,
  };
}

/** Pure: the base image's tag, a hash of the whole recipe (keys sorted, so field order does not matter). */
export function baseImage(recipe: BaseRecipe): ReferenceImage {
  return referenceImage('base', digest(JSON.stringify(recipe, Object.keys(recipe).sort())));
}

/** The recipe this checkout builds: base.packages, FLEETGATE_DEBIAN_MIRROR and base.ts as they are now. */
export function currentBaseRecipe(env: NodeJS.ProcessEnv = process.env): BaseRecipe {
  const packages = readFileSync(join(HERE, 'base.packages'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return baseRecipe({
    suite: 'bookworm',
    packages,
    mirror: env.FLEETGATE_DEBIAN_MIRROR || DEFAULT_MIRROR,
    builder: digest(readFileSync(join(HERE, 'base.ts'))),
  });
}

/** A `docker build` of a folder on top of the base. */
export interface DockerfileImage extends ReferenceImage {
  readonly dir: string;
  /** Folders every node image carries (reference/node-common): in the build context under their own names. */
  readonly shared: readonly string[];
  readonly args: readonly string[];
}

function hashFolder(root: string, parts: (string | Buffer)[]): void {
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (entry === '__pycache__') continue;
      if (statSync(path).isDirectory()) walk(path);
      else parts.push(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
}

/** A node image's tag hashes its folder, the shared folders it carries and its build arguments, which name the base tag. */
export function dockerfileImage(kind: string, dir: string, base: ReferenceImage, shared: readonly string[] = []): DockerfileImage {
  const args = ['--label', `${IMAGE_LABEL}=${kind}`, '--build-arg', `BASE=${base.tag}`];
  const parts: (string | Buffer)[] = [JSON.stringify(args)];
  for (const folder of [dir, ...shared]) {
    parts.push(`folder ${basename(folder)}`);
    hashFolder(folder, parts);
  }
  return { ...referenceImage(kind, digest(...parts)), dir, shared, args };
}
