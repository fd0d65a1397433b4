// What the gate runs against: a profile the user gave, or the embedded reference stack started for the run.
// Either way the profile is validated once here and handed to the workers in compiled form.
import { resolve } from 'node:path';
import { writeTempProfile } from '../../helpers/profile/temp-file.ts';
import { ProfileError } from '../../helpers/profile/load.ts';
import { loadVarsSchemas } from '../../helpers/profile/vars.ts';
import { compileProfile } from '../../helpers/profile/compile.ts';
import type { Profile, ProfileInput } from '../../helpers/profile/schema.ts';
import { nodeBProfile, NODE_B_ROLE } from '../../reference/profiles/node-b.ts';
import { UsageError } from '../exit-codes.ts';
import { removeRunNow } from '../../reference/run-containers.ts';

/** The role of the only reference node so far (node B). */
export const REFERENCE_ROLE = NODE_B_ROLE;

export interface Target {
  profile: Profile;
  profileFile: string;
  /** Stops what the gate started and removes temporary files. */
  release(): Promise<void>;
  /** release(), synchronously: for a process that exits now. */
  releaseNow(): void;
}

interface Release {
  later: () => Promise<void>;
  now: () => void;
}

const NOTHING: Release = { later: async () => undefined, now: () => undefined };

/** The suites folders' vars schemas; a schema file that does not load is the operator's to fix (exit 2). */
async function loadSchemas(suitesDirs: readonly string[]): ReturnType<typeof loadVarsSchemas> {
  try {
    return await loadVarsSchemas(suitesDirs);
  } catch (error) {
    throw new UsageError(`vars schema: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Validate the profile (vars against the suites' schemas), point the workers at its compiled form, resolve secrets for the gate itself. */
async function compile(file: string, release: Release, suitesDirs: readonly string[] = []): Promise<Target> {
  const compiled = await compileProfile(file, await loadSchemas(suitesDirs));
  return {
    profile: compiled.profile,
    profileFile: file,
    release: async () => {
      compiled.remove();
      await release.later();
    },
    releaseNow: () => {
      compiled.remove();
      release.now();
    },
  };
}

/** The user's profile; any problem with it is exit-2 material. */
export async function userTarget(file: string, suitesDirs: readonly string[]): Promise<Target> {
  const absolute = resolve(file);
  try {
    return await compile(absolute, NOTHING, suitesDirs);
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message.replace(absolute, file));
    throw error;
  }
}

/** The embedded reference stack started for the run, its containers labelled with runId; `signal` interrupts the start. */
export async function referenceTarget(runId: string, log: (line: string) => void, signal: AbortSignal, suitesDirs: readonly string[] = []): Promise<Target> {
  // Loaded only when needed: testcontainers and dockerode are slow to import.
  const { ArenaStack } = await import('../../reference/stack.ts');
  const stack = await new ArenaStack().withRunId(runId).withMutant(process.env.ARENA_MUTANT).withLog(log).start(signal);
  try {
    stack.exportSecrets();
    return await compile(stack.writeProfile(), { later: () => stack.stop(), now: () => stack.stopNow() }, suitesDirs);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * For collecting criteria without a profile (--list, is anything selected): a reference node's profile shape
 * (node B's unless given), nothing started, placeholder values for its secrets.
 */
export function placeholderReferenceTarget(shape?: { profile: ProfileInput; secrets: readonly string[] }): Promise<Target> {
  const ports = { http: 8080, https: 8443, postgres: 5432, redis: 6379 };
  const { profile, secrets } = shape ?? {
    profile: nodeBProfile({ transport: { kind: 'docker', container: 'arena-b (not started)' }, host: '127.0.0.1', ports }),
    secrets: ['ARENA_DB_PASSWORD', 'ARENA_REDIS_PASSWORD', 'ARENA_SERVICE_TOKEN'],
  };
  for (const name of secrets) process.env[name] ??= 'not-started';
  const temp = writeTempProfile(profile, `node ${profile.node}, not started (criteria are collected against it)`);
  return compile(temp.file, { later: async () => temp.remove(), now: () => temp.remove() });
}

/** What a reference start still under way has made, removed synchronously: it has no Target to release yet. */
export function removeReferenceNow(runId: string): void {
  removeRunNow(runId);
}
