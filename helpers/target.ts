// The profile of the node under test, loaded once per worker. The gate (or, for developer runs, the
// global setup) validates the profile once and hands workers its compiled JSON form.
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

/** Specs call this at collection time to generate one criterion per endpoint, table, binary… */
export function currentProfile(): Profile {
  if (cached) return cached;
  const file = process.env[COMPILED_PROFILE_ENV];
  if (!file) {
    throw new Error(`${COMPILED_PROFILE_ENV} is not set: run specs through ./gate.sh or npx vitest (whose global setup validates ${PROFILE_ENV} or starts reference node B)`);
  }
  const compiled = JSON.parse(readFileSync(file, 'utf8')) as CompiledProfile;
  cached = resolveSecrets(compiled.profile, compiled.source);
  return cached;
}
