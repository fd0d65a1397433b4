// A generated profile written where only this user can read it, and removed when done.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ProfileInput } from './schema.ts';

export interface TempProfile {
  file: string;
  remove(): void;
}

export function writeTempProfile(profile: ProfileInput, comment: string): TempProfile {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-profile-'));
  const file = join(dir, `${profile.node}.yaml`);
  writeFileSync(file, `# ${comment}\n${stringify(profile)}`, { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
