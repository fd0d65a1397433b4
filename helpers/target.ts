// The profile of the node under test, loaded once per worker from FLEETGATE_PROFILE.
import { loadProfile } from './profile/load.ts';
import type { Profile } from './profile/schema.ts';

export const PROFILE_ENV = 'FLEETGATE_PROFILE';
let cached: Profile | undefined;

/** Specs call this at collection time to generate one criterion per endpoint, table, binary… */
export function currentProfile(): Profile {
  if (cached) return cached;
  const file = process.env[PROFILE_ENV];
  if (!file) {
    throw new Error(`${PROFILE_ENV} is not set: run through ./gate.sh, or let the reference global setup start node B (npx vitest run <file>)`);
  }
  cached = loadProfile(file);
  return cached;
}
