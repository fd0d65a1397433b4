// Validate a profile once and write the compiled form workers read (no YAML parser or schema per worker).
// The compiled file holds secret references only, never their values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMachine, checkProfileVars, parseProfile } from './load.ts';
import type { VarsSchema } from './vars.ts';
import { resolveSecrets } from './secrets.ts';
import type { Profile } from './schema.ts';
import { COMPILED_PROFILE_ENV, PROFILE_ENV, type CompiledProfile } from '../target.ts';

export interface Compiled {
  /** Secrets resolved (and registered for redaction) for the calling process. */
  profile: Profile;
  remove(): void;
}

/**
 * Throws ProfileError for a bad profile (vars checked against the suites' schemas); on success the
 * environment points workers at the result.
 */
export async function compileProfile(file: string, varsSchemas: readonly VarsSchema[] = []): Promise<Compiled> {
  const parsed = parseProfile(file);
  checkMachine(file, parsed);
  await checkProfileVars(file, parsed, varsSchemas);
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-compiled-'));
  const compiled: CompiledProfile = { source: file, profile: parsed };
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(compiled), { mode: 0o600 });
  process.env[PROFILE_ENV] = file;
  process.env[COMPILED_PROFILE_ENV] = join(dir, 'profile.json');
  return {
    profile: resolveSecrets(parsed, file),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      delete process.env[COMPILED_PROFILE_ENV];
    },
  };
}
