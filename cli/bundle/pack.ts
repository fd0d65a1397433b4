// The tarball: one top folder named like the tarball; manifest.json and gate.sh come first, so a truncated
// download that tar partly unpacked still holds the manifest that makes gate.sh refuse it.
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { create } from 'tar';
import { MANIFEST_FILE, sha256File } from './manifest.ts';

/** Unpacked first: whatever a truncated tarball leaves behind still has the manifest that refuses it. */
export const FIRST_ENTRIES = [MANIFEST_FILE, 'gate.sh'] as const;

/** Writes `<tarball>` and `<tarball>.sha256` (sha256sum's format, so `sha256sum -c` checks it). */
export async function packBundle(stageParent: string, topDir: string, tarball: string): Promise<string> {
  const rest = readdirSync(join(stageParent, topDir)).filter((e) => !(FIRST_ENTRIES as readonly string[]).includes(e)).sort();
  await create(
    { gzip: { level: 9 }, file: tarball, cwd: stageParent, portable: true },
    [...FIRST_ENTRIES, ...rest].map((e) => `${topDir}/${e}`),
  );
  const sum = sha256File(tarball);
  writeFileSync(`${tarball}.sha256`, `${sum}  ${basename(tarball)}\n`);
  return sum;
}
