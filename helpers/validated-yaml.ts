// Load-time validation of a YAML (or JSON) file against a zod schema, with the line of what is wrong:
// `file:line: field.path: reason; did you mean …?`. Profiles and inventories both read this way.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';

/** A mistake in an input file: where it is (file, line, field) and what to do. */
export class SourceError extends Error {
  override name = 'SourceError';
  readonly file: string;
  readonly field: string;
  readonly reason: string;
  readonly line: number | undefined;
  constructor(file: string, field: string, reason: string, line?: number) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${reason}`);
    this.file = file;
    this.field = field;
    this.reason = reason;
    this.line = line;
  }
}

export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

export interface YamlSource {
  file: string;
  doc: Document;
  /** The line of the deepest node of path that exists in the file. */
  lineOf: LineOf;
}

/** postgres[0].password */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Read and parse; what cannot be read or parsed is a SourceError naming the file (and line). */
export function readYaml(file: string, what: string, text?: string): YamlSource {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      throw new SourceError(file, '', `cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const first = doc.errors[0]!;
    throw new SourceError(file, '', `not valid YAML or JSON: ${first.message.split('\n')[0]}`, lines.linePos(first.pos[0]).line);
  }
  // The line of a field is its key's line: a mapping value starts on the line after its key.
  const lineOf: LineOf = (path) => {
    for (let cut = path.length; cut >= 0; cut--) {
      const start = cut > 0 ? keyStart(doc.getIn(path.slice(0, cut - 1) as unknown[], true), path[cut - 1]!) : undefined;
      if (start !== undefined) return lines.linePos(start).line;
      const node = doc.getIn(path.slice(0, cut) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { file, doc, lineOf };
}

/** Where the key of a mapping entry starts in the text, when collection is a mapping that has it. */
function keyStart(collection: unknown, key: PropertyKey): number | undefined {
  if (!isMap(collection)) return undefined;
  const pair = collection.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** The document's top level must be a mapping. */
export function expectMapping(source: YamlSource, hint: string): void {
  if (!isMap(source.doc.contents)) throw new SourceError(source.file, '', `expected a mapping with ${hint} at the top level`);
}

/** Validate the document with schema; the first problem (a misspelt key first) becomes a SourceError. */
export function validateYaml<S extends z.ZodType>(source: YamlSource, schema: S, data: unknown = source.doc.toJS()): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  // A misspelt key is usually the cause of the "required" issue next to it: report it first.
  const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
  let path: PropertyKey[] = [...issue.path];
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeysAt(schema, path);
    const hint = didYouMean(key, known);
    path = [...path, key];
    reason = `unknown field${hint ? `; did you mean "${hint}"?` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    reason = `required: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
  const more = parsed.error.issues.length - 1;
  throw new SourceError(source.file, fieldPath(path), `${reason}${more ? ` (and ${more} more)` : ''}`, source.lineOf(path));
}

function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let shape: unknown = schema;
  for (const step of path) {
    shape = unwrap(shape);
    if (typeof step === 'number') shape = (shape as { element?: unknown }).element;
    else shape = (shape as { shape?: Record<string, unknown> }).shape?.[String(step)];
  }
  const object = unwrap(shape) as { shape?: Record<string, unknown> } | undefined;
  return object?.shape ? Object.keys(object.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown; def?: { innerType?: unknown; options?: unknown[] } } | undefined;
  while (current && (current.def?.innerType || (typeof current.unwrap === 'function' && !('shape' in current) && !('element' in current)))) {
    current = (current.def?.innerType ?? current.unwrap!()) as typeof current;
  }
  return current;
}
