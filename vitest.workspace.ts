// The project list: one Vitest project per node role, plus `self` (fleetgate's own tests).
// Vitest 4+ does not read this file by itself; vitest.config.ts and the gate import it.
// Roles are found, not listed: the `<suite>/<role>/` folders of the suites folders, the role a profile
// names, and the reference node's role for developer runs without a profile.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { rolesIn, uniqueRoles } from './helpers/suites-folder.ts';
import { didYouMean } from './helpers/did-you-mean.ts';
import { fleetgateEntries } from './cli/fleetgate-module.ts';
import { NODE_B_ROLE } from './reference/profiles/node-b.ts';

export const ROOT = import.meta.dirname;
export const DEFAULT_SUITES_DIR = resolve(ROOT, 'suites');
/** An operator's suites folder for developer runs (`FLEETGATE_SUITES=dir npx vitest --project lb`). */
export const SUITES_ENV = 'FLEETGATE_SUITES';

export const TAGS = [
  { name: 'destructive', description: 'stops or breaks something on the node; runs only with --allow-destructive' },
  { name: 'changes-state', description: 'makes its own data on the system (players, instances, mail) and removes it afterwards: not read-only, safe beside real use' },
];

export interface RoleProjectOptions {
  roles: readonly string[];
  /** Where the acceptance specs live: fleetgate's own and, beside them, an operator's. */
  suitesDirs?: readonly string[];
  /** Start the reference node when no profile is set (developer runs); the gate starts it itself. */
  referenceSetup?: boolean;
}

/** `import … from 'fleetgate'` in a spec anywhere on disk resolves to this copy of fleetgate. */
const fleetgateAlias = [...fleetgateEntries()]
  .sort(([a], [b]) => b.length - a.length)
  .map(([name, file]) => ({ find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: file }));

/** Specs in <suites>/<suite>/*.spec.ts apply to every role; <suites>/<suite>/<role>/** to that role only. */
export function specGlobs(role: string, suite = '*'): string[] {
  return [`${suite}/*.spec.ts`, `${suite}/${role}/**/*.spec.ts`];
}

/** One project per role over the suites folders (specGlobs in each). */
export function roleProjects({ roles, suitesDirs = [DEFAULT_SUITES_DIR], referenceSetup = true }: RoleProjectOptions): TestProjectInlineConfiguration[] {
  return roles.map((role) => ({
    extends: false,
    resolve: { alias: fleetgateAlias },
    test: {
      name: role,
      root: ROOT,
      dir: suitesDirs[0],
      include: suitesDirs.flatMap((dir) => specGlobs(role).map((glob) => `${dir}/${glob}`)),
      globalSetup: referenceSetup ? [resolve(ROOT, 'reference/global-setup.ts')] : [],
      tags: TAGS,
      // Specs share nothing mutable; reusing workers across files saves a process start per file.
      isolate: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // Criteria come from what the profile lists: a profile without https endpoints has no TLS criterion,
      // and a spec file with none generated is not a failure.
      passWithNoTests: true,
      // Shortened values in assertion messages would carry the first characters of a secret past redaction.
      chaiConfig: { truncateThreshold: 0 },
    },
  }));
}

export const selfProject: TestProjectInlineConfiguration = {
  extends: false,
  // fleetgate's own tests load operators' files (a vars schema) that import fleetgate by name.
  resolve: { alias: fleetgateAlias },
  test: {
    name: 'self',
    root: ROOT,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Integration tests start real containers and run the gate; two at once would fight for 2 cores.
    fileParallelism: false,
  },
};

function developerSuitesDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [DEFAULT_SUITES_DIR, ...(env[SUITES_ENV] ? [resolve(env[SUITES_ENV])] : [])];
}

function profileRole(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.FLEETGATE_PROFILE;
  if (!file) return undefined;
  try {
    const role = (parse(readFileSync(file, 'utf8')) as { role?: unknown })?.role;
    return typeof role === 'string' ? role : undefined;
  } catch {
    return undefined; // the global setup's profile validation reports the precise error
  }
}

function namedProjects(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice(10)] : []));
}

/**
 * The roles a developer run targets: those named with `--project`, else the profile's role, else the
 * reference node's. A name that is no role is refused with the closest one.
 */
export function activeRoles(argv: readonly string[] = process.argv, known: readonly string[] = knownRoles()): string[] {
  const named = namedProjects(argv).filter((name) => name !== 'self');
  for (const name of named) {
    if (!known.includes(name)) {
      const hint = didYouMean(name, known);
      throw new Error(`--project ${name}: no such role${hint ? `; did you mean "${hint}"?` : ''} (roles: ${known.join(', ')}; and self)`);
    }
  }
  if (named.length) return named;
  return [profileRole() ?? NODE_B_ROLE];
}

/** Every role a developer run could target: found in the suites folders, named by the profile, the reference's. */
export function knownRoles(): string[] {
  return uniqueRoles(rolesIn(developerSuitesDirs()), [profileRole(), NODE_B_ROLE]).sort();
}

/** Every role's project plus `self`; roles not targeted by this run collect nothing. */
export function developerProjects(active: readonly string[] = activeRoles()): TestProjectInlineConfiguration[] {
  const projects = roleProjects({ roles: uniqueRoles(knownRoles(), active), suitesDirs: developerSuitesDirs() });
  return projects.map((project) => {
    const role = project.test!.name as string;
    return active.includes(role) ? project : { ...project, test: { ...project.test, include: [], globalSetup: [], passWithNoTests: true } };
  }).concat(selfProject);
}

/** For `npx vitest`: the projects, or one line and exit 2 for a role that does not exist. */
export function developerProjectsOrExit(): TestProjectInlineConfiguration[] {
  try {
    return developerProjects();
  } catch (error) {
    process.stderr.write(`fleetgate: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
