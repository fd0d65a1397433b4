// What a suites folder holds, read off the file system: its suites (top-level folders) and the roles
// it has specs for (`<suite>/<role>/`). Roles are the operator's names, never a list kept in fleetgate.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function folders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => e.name)
    .sort();
}

/** The suites in a suites folder: `preflight`, `lifecycle`, … or whatever the operator made. A folder named `_…` is
 * the folder's own shared code (fixtures, an API client for the platform), not a suite. */
export function suitesIn(dir: string): string[] {
  return folders(dir).filter((name) => !name.startsWith('_'));
}

/** Every role some suite in these folders has specs for. */
export function rolesIn(dirs: readonly string[]): string[] {
  const roles = dirs.flatMap((dir) => suitesIn(dir).flatMap((suite) => folders(join(dir, suite))));
  return [...new Set(roles)].sort();
}

/** A role list without repeats, in first-seen order. */
export function uniqueRoles(...lists: readonly (readonly (string | undefined)[])[]): string[] {
  return [...new Set(lists.flat().filter((r): r is string => Boolean(r)))];
}
