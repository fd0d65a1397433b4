// What the gate runs against: a profile the user gave, or the embedded reference stack started for the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { nodeBProfile } from '../../reference/profiles/node-b.ts';
import { loadProfile, ProfileError } from '../../helpers/profile/load.ts';
import type { Profile } from '../../helpers/profile/schema.ts';
import { PROFILE_ENV } from '../../helpers/target.ts';
import { ArenaStack, type StartedArenaStack } from '../../reference/stack.ts';
import { UsageError } from '../exit-codes.ts';

export interface Target {
  profile: Profile;
  profileFile: string;
  /** Stops what the gate started (the reference stack); a no-op for a user profile. */
  release(): Promise<void>;
}

/** Load and validate the user's profile; exit-2 material on any problem. */
export function userTarget(file: string): Target {
  const absolute = resolve(file);
  try {
    const profile = loadProfile(absolute);
    process.env[PROFILE_ENV] = absolute;
    return { profile, profileFile: absolute, release: async () => undefined };
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message.replace(absolute, file));
    throw error;
  }
}

export async function referenceTarget(runId: string, log: (line: string) => void): Promise<Target> {
  let stack: StartedArenaStack | undefined;
  try {
    stack = await new ArenaStack().withRunId(runId).withMutant(process.env.ARENA_MUTANT).withLog(log).start();
    stack.exportSecrets();
    const profileFile = stack.writeProfile();
    process.env[PROFILE_ENV] = profileFile;
    const started = stack;
    return { profile: loadProfile(profileFile), profileFile, release: () => started.stop() };
  } catch (error) {
    await stack?.stop();
    throw error;
  }
}

/** For --list without a profile: node B's profile shape, nothing started, placeholder secrets. */
export function placeholderReferenceTarget(): Target {
  const file = writePlaceholderProfile();
  process.env[PROFILE_ENV] = file;
  return { profile: loadProfile(file), profileFile: file, release: async () => rmSync(dirname(file), { recursive: true, force: true }) };
}

function writePlaceholderProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-profile-'));
  const file = join(dir, 'arena-b.yaml');
  process.env.ARENA_DB_PASSWORD ??= 'not-started';
  process.env.ARENA_REDIS_PASSWORD ??= 'not-started';
  const ports = { http: 8080, https: 8443, postgres: 5432, redis: 6379 };
  writeFileSync(file, stringify(nodeBProfile({ container: 'arena-b (not started)', host: '127.0.0.1', ports })));
  return file;
}
