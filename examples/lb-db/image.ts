// The example's one image, built locally FROM fleetgate's reference base (no registry) and cached by a
// hash of its inputs: the base tag and every file in image/.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureReferenceImages, IMAGE_LABEL } from '../../reference/images/build.ts';

const CONTEXT = join(import.meta.dirname, 'image');
const REPOSITORY = 'fleetgate/example-lb-db';

async function layers(image: string): Promise<string[]> {
  const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image]);
  return JSON.parse(stdout) as string[];
}

/** The base image's tag: given by ensureReferenceImages() if it names it, else the labelled base node B is built on. */
async function referenceBase(log: (line: string) => void): Promise<string> {
  const images: { nodeB: string; base?: string } = await ensureReferenceImages(log);
  if (images.base) return images.base;
  const nodeB = await layers(images.nodeB);
  const { stdout } = await execa('docker', ['images', '--filter', `label=${IMAGE_LABEL}=base`, '--filter', 'dangling=false', '--format', '{{.Repository}}:{{.Tag}}']);
  for (const candidate of stdout.split('\n').filter(Boolean)) {
    if ((await layers(candidate)).every((layer, i) => nodeB[i] === layer)) return candidate;
  }
  throw new Error(`no image labelled ${IMAGE_LABEL}=base under ${images.nodeB}`);
}

/** Make sure `fleetgate/example-lb-db:<hash>` exists locally; returns its tag. */
export async function ensureExampleImage(log: (line: string) => void = () => undefined): Promise<string> {
  const base = await referenceBase(log);
  const hash = createHash('sha256').update(base);
  for (const file of readdirSync(CONTEXT).sort()) hash.update(file).update(readFileSync(join(CONTEXT, file)));
  const tag = `${REPOSITORY}:${hash.digest('hex').slice(0, 12)}`;
  const { exitCode } = await execa('docker', ['image', 'inspect', tag], { reject: false });
  if (exitCode !== 0) {
    log(`building ${tag} (apt-get install haproxy nginx-light)`);
    await execa('docker', ['build', '-q', '--force-rm', '--label', `${IMAGE_LABEL}=example-lb-db`, '--build-arg', `BASE=${base}`, '-t', tag, CONTEXT]);
    // Builds from older inputs are never used again; one still in use by a container stays (rmi refuses).
    const { stdout } = await execa('docker', ['images', REPOSITORY, '--format', '{{.Repository}}:{{.Tag}}']);
    const stale = stdout.split('\n').filter((t) => t && t !== tag);
    if (stale.length) await execa('docker', ['rmi', ...stale], { reject: false });
  }
  return tag;
}
