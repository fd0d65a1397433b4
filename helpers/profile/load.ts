// Load-time validation: a bad profile is rejected before anything runs, naming file, line and field.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap } from 'yaml';
import { profileSchema, type Profile } from './schema.ts';
import { resolveSecrets, SecretError } from './secrets.ts';
import { checkVars, type VarsSchema } from './vars.ts';
import { didYouMean } from '../did-you-mean.ts';

export class ProfileError extends Error {
  override name = 'ProfileError';
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, reason: string, line?: number) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${reason}`);
    this.file = file;
    this.field = field;
  }
}

function parseWithLines(file: string, text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const first = doc.errors[0]!;
    throw new ProfileError(file, '', `not valid YAML or JSON: ${first.message.split('\n')[0]}`, lines.linePos(first.pos[0]).line);
  }
  /** The line of the deepest node of path that exists in the file. */
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let cut = path.length; cut >= 0; cut--) {
      const node = doc.getIn(path.slice(0, cut) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { doc, lineOf };
}

/** postgres[0].password */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Read and validate a profile; secret references stay unresolved. */
export function parseProfile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProfileError(file, '', `cannot read the profile (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { doc, lineOf } = parseWithLines(file, text);
  if (!isMap(doc.contents)) throw new ProfileError(file, '', 'expected a mapping with node, role, … at the top level');

  const parsed = profileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    // A misspelt key is usually the cause of the "required" issue next to it: report it first.
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    let path: PropertyKey[] = [...issue.path];
    let reason = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const known = knownKeysAt(path);
      const hint = didYouMean(key, known);
      path = [...path, key];
      reason = `unknown field${hint ? `; did you mean "${hint}"?` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      reason = `required: ${issue.message.replace(/^Invalid input: /, '')}`;
    }
    const more = parsed.error.issues.length - 1;
    throw new ProfileError(file, fieldPath(path), `${reason}${more ? ` (and ${more} more)` : ''}`, lineOf(path));
  }
  const profile = parsed.data;
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

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let shape: unknown = profileSchema;
  for (const step of path) {
    shape = unwrap(shape);
    if (typeof step === 'number') shape = (shape as { element?: unknown }).element;
    else shape = (shape as { shape?: Record<string, unknown> }).shape?.[String(step)];
  }
  const object = unwrap(shape) as { shape?: Record<string, unknown> };
  return object?.shape ? Object.keys(object.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown; def?: { innerType?: unknown } } | undefined;
  while (current && (current.def?.innerType || (typeof current.unwrap === 'function' && !('shape' in current) && !('element' in current)))) {
    current = (current.def?.innerType ?? current.unwrap!()) as typeof current;
  }
  return current;
}

/** The profile's vars against each suites folder's vars schema: the first problem as a file:line error. */
export async function checkProfileVars(file: string, profile: Profile, schemas: readonly VarsSchema[]): Promise<void> {
  if (!schemas.length) return;
  const vars = resolveSecrets(profile.vars, file, ['vars']);
  for (const schema of schemas) {
    const issues = await checkVars(vars, schema);
    if (!issues.length) continue;
    const path = ['vars', ...issues[0]!.path];
    const { lineOf } = parseWithLines(file, readFileSync(file, 'utf8'));
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new ProfileError(file, fieldPath(path), `${issues[0]!.message}${more} (checked by ${schema.file})`, lineOf(path));
  }
}
