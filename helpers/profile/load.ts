// Load-time validation: a bad profile is rejected before anything runs, naming file, line and field.
import { profileSchema, type Profile } from './schema.ts';
import { expectMapping, fieldPath, readYaml, SourceError, validateYaml, type YamlSource } from '../validated-yaml.ts';
import { resolveSecrets, SecretError } from './secrets.ts';
import { checkVars, type VarsSchema } from './vars.ts';
import { machineMismatch, type Machine } from './machine-match.ts';

/** A mistake in a profile: file, line, field and the fix. */
export class ProfileError extends SourceError {
  override name = 'ProfileError';
}

/** Re-throw a SourceError as a ProfileError, so callers catch one kind. */
function asProfileError(error: unknown): never {
  if (error instanceof SourceError && !(error instanceof ProfileError)) {
    throw new ProfileError(error.file, error.field, error.reason, error.line);
  }
  throw error;
}

export { fieldPath };

/**
 * Read and validate a profile; secret references stay unresolved. They are tried once (a missing one
 * is reported with its line) unless `tryReferences` is false: a fleet controller cannot read a node's files.
 */
export function parseProfile(file: string, { tryReferences = true }: { tryReferences?: boolean } = {}): Profile {
  let source: YamlSource;
  let profile: Profile;
  try {
    source = readYaml(file, 'profile');
    expectMapping(source, 'node, role, …');
    profile = validateYaml(source, profileSchema);
  } catch (error) {
    asProfileError(error);
  }
  const { lineOf } = source;
  if (!tryReferences) return profile;
  // Resolve once here so a missing secret is reported with its line; callers get the unresolved form.
  try {
    resolveSecrets(profile, file);
  } catch (error) {
    if (error instanceof SecretError) throw new ProfileError(file, fieldPath(error.path), error.message, lineOf(error.path));
    throw error;
  }
  return profile;
}

/** Read, validate and resolve secrets (registered for redaction). */
export function loadProfile(file: string): Profile {
  return resolveSecrets(parseProfile(file), file);
}

/** The profile's vars against each suites folder's vars schema: the first problem as a file:line error. */
export async function checkProfileVars(file: string, profile: Profile, schemas: readonly VarsSchema[]): Promise<void> {
  if (!schemas.length) return;
  const vars = resolveSecrets(profile.vars, file, ['vars']);
  for (const schema of schemas) {
    const issues = await checkVars(vars, schema);
    if (!issues.length) continue;
    const path = ['vars', ...issues[0]!.path];
    const { lineOf } = readYaml(file, 'profile');
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new ProfileError(file, fieldPath(path), `${issues[0]!.message}${more} (checked by ${schema.file})`, lineOf(path));
  }
}

/** A profile pinned to another machine (`match:`) is refused here, with the line of its pin. */
export function checkMachine(file: string, profile: Profile, here?: Machine): void {
  const mismatch = machineMismatch(profile, here);
  if (mismatch) throw new ProfileError(file, 'match', mismatch, readYaml(file, 'profile').lineOf(['match']));
}
