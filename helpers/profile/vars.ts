// The operator's own profile values (`vars:`), checked against the schema their suites folder exports
// (`<suites>/vars.schema.ts`, any Standard Schema: zod, valibot, …) when the profile is loaded.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const VARS_SCHEMA_FILE = 'vars.schema.ts';

/** The Standard Schema interface (standardschema.dev), which zod 4 and valibot implement. */
export interface StandardSchema {
  readonly '~standard': {
    validate(value: unknown): StandardResult | Promise<StandardResult>;
  };
}
type StandardResult = { value: unknown; issues?: undefined } | { issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> };

export interface VarsSchema {
  /** Where the schema came from, for messages. */
  file: string;
  schema: StandardSchema;
}

export interface VarsIssue {
  path: PropertyKey[];
  message: string;
}

function isStandardSchema(value: unknown): value is StandardSchema {
  return typeof (value as StandardSchema | undefined)?.['~standard']?.validate === 'function';
}

/** The vars schema of each suites folder that has one; a file that exports none is an error. */
export async function loadVarsSchemas(suitesDirs: readonly string[]): Promise<VarsSchema[]> {
  const found: VarsSchema[] = [];
  for (const dir of suitesDirs) {
    const file = join(dir, VARS_SCHEMA_FILE);
    if (!existsSync(file)) continue;
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown; vars?: unknown };
    const schema = module.default ?? module.vars;
    if (!isStandardSchema(schema)) {
      throw new Error(`${file}: export a schema as default (e.g. \`export default z.object({ … })\` with z from 'fleetgate/schema')`);
    }
    found.push({ file, schema });
  }
  return found;
}

/** Problems with the profile's vars under one schema; empty when they fit. */
export async function checkVars(vars: unknown, { schema }: VarsSchema): Promise<VarsIssue[]> {
  const result = await schema['~standard'].validate(vars);
  if (!result.issues) return [];
  return result.issues.map((issue) => ({
    path: (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)),
    message: issue.message.replace(/^Invalid input: /, ''),
  }));
}
