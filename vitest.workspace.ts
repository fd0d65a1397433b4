// The project list: one Vitest project per node role, plus `self` (fleetgate's own tests).
// Vitest 4+ does not read this file by itself; vitest.config.ts and the gate import it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { ROLES, type Role } from './helpers/roles.ts';

export const ROOT = import.meta.dirname;
export const DEFAULT_SUITES_DIR = resolve(ROOT, 'suites');
export const SUITES = ['preflight', 'lifecycle', 'isolation', 'drills', 'soak'] as const;

export const TAGS = [
  { name: 'destructive', description: 'stops or breaks something on the node; runs only with --allow-destructive' },
];

export interface RoleProjectOptions {
  roles?: readonly Role[];
  /** Where the acceptance specs live (operators may keep their own). */
  suitesDir?: string;
  /** Start the reference node when no profile is set (developer runs); the gate starts it itself. */
  referenceSetup?: boolean;
}

/** Specs in suites/<suite>/*.spec.ts apply to every role; suites/<suite>/<role>/** to that role only. */
export function specGlobs(role: Role, suite = '*'): string[] {
  return [`${suite}/*.spec.ts`, `${suite}/${role}/**/*.spec.ts`];
}

/** One project per role over the suites folder (specGlobs). */
export function roleProjects(options: RoleProjectOptions = {}): TestProjectInlineConfiguration[] {
  const { roles = ROLES, suitesDir = DEFAULT_SUITES_DIR, referenceSetup = true } = options;
  return roles.map((role) => ({
    extends: false,
    test: {
      name: role,
      root: ROOT,
      dir: suitesDir,
      include: specGlobs(role).map((glob) => `${suitesDir}/${glob}`),
      globalSetup: referenceSetup ? [resolve(ROOT, 'reference/global-setup.ts')] : [],
      tags: TAGS,
      // Specs share nothing mutable; reusing workers across files saves a process start per file.
      isolate: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  }));
}

export const selfProject: TestProjectInlineConfiguration = {
  extends: false,
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

/**
 * The roles a developer run targets: those named with `--project`, else the profile's role, else
 * control-plane (reference node B). Every role has a project; the others collect no files, so a spec
 * shared by all roles runs once, against the node the profile describes.
 */
export function activeRoles(argv: readonly string[] = process.argv): Role[] {
  const named = argv.flatMap((arg, i) => (arg === '--project' ? [argv[i + 1]] : arg.startsWith('--project=') ? [arg.slice(10)] : []));
  const requested = ROLES.filter((role) => named.includes(role));
  if (requested.length) return requested;
  const file = process.env.FLEETGATE_PROFILE;
  if (file) {
    try {
      const role = (parse(readFileSync(file, 'utf8')) as { role?: unknown })?.role;
      if ((ROLES as readonly unknown[]).includes(role)) return [role as Role];
    } catch {
      // the global setup's profile validation reports the precise error
    }
  }
  return ['control-plane'];
}

/** Every role's project (one per role) plus `self`; roles not targeted by this run collect nothing. */
export function developerProjects(active: readonly Role[] = activeRoles()): TestProjectInlineConfiguration[] {
  return roleProjects().map((project) => {
    const role = project.test!.name as Role;
    return active.includes(role) ? project : { ...project, test: { ...project.test, include: [], globalSetup: [], passWithNoTests: true } };
  }).concat(selfProject);
}

export default developerProjects();
