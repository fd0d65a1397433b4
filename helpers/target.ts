// The profile of the node under test, loaded once per worker.
// The gate validates the profile once and hands workers a compiled JSON form (FLEETGATE_PROFILE_COMPILED),
// so no worker pays for the YAML parser and schema library again in every iteration.
import { readFileSync } from 'node:fs';
import type { Profile } from './profile/schema.ts';
import { resolveSecrets } from './profile/secrets.ts';

export const PROFILE_ENV = 'FLEETGATE_PROFILE';
export const COMPILED_PROFILE_ENV = 'FLEETGATE_PROFILE_COMPILED';

export interface CompiledProfile {
  /** The profile file it came from: ${file:…} references are relative to it. */
  source: string;
  profile: Profile;
}

let cached: Profile | undefined;

export function loadCompiledProfile(file: string): Profile {
  const compiled = JSON.parse(readFileSync(file, 'utf8')) as CompiledProfile;
  return resolveSecrets(compiled.profile, compiled.source);
}

/** Specs call this at collection time to generate one criterion per endpoint, table, binary… */
export function currentProfile(): Profile {
  if (cached) return cached;
  const compiled = process.env[COMPILED_PROFILE_ENV];
  if (compiled) return (cached = loadCompiledProfile(compiled));
  const file = process.env[PROFILE_ENV];
  if (!file) {
    throw new Error(`${PROFILE_ENV} is not set: run through ./gate.sh, or let the reference global setup start node B (npx vitest run <file>)`);
  }
  return (cached = loadProfileFile(file));
}

// Developer runs without the gate: the full loader (YAML, schema) is loaded only then.
const loadProfileFile = process.env[COMPILED_PROFILE_ENV]
  ? (): never => {
      throw new Error('unreachable: compiled profile in use');
    }
  : (await import('./profile/load.ts')).loadProfile;
