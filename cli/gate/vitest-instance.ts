// The one way the gate creates a Vitest instance: no config file, the role's project, our reporters,
// and Vitest's own output kept off the terminal.
import type { Writable } from 'node:stream';
import { createVitest, type Reporter, type Vitest } from 'vitest/node';
import { roleProjects, ROOT, TAGS } from '../../vitest.workspace.ts';
import type { Role } from '../../helpers/roles.ts';
import { keepingOurSignalHandlers } from './own-signals.ts';
import { viteCacheOptions } from '../bundle/work-dir.ts';

export interface Selection {
  role: Role;
  suitesDir: string;
  suites: readonly string[];
  grep?: string;
  allowDestructive: boolean;
}

export interface InstanceOptions {
  reporters: Reporter[];
  output: Writable;
  /** Leave refused (destructive) criteria out of the run; --list keeps them to show them as refused. */
  refuseDestructive: boolean;
}

export function gateVitest(selection: Selection, options: InstanceOptions): Promise<Vitest> {
  return keepingOurSignalHandlers(() => createVitest(
    'test',
    {
      config: false,
      root: ROOT,
      watch: false,
      passWithNoTests: true,
      projects: roleProjects({ roles: [selection.role], suitesDir: selection.suitesDir, referenceSetup: false }),
      reporters: options.reporters,
      tags: TAGS,
      ...(options.refuseDestructive && !selection.allowDestructive ? { tagsFilter: ['!destructive'] } : {}),
      ...(selection.grep ? { testNamePattern: selection.grep } : {}),
    },
    viteCacheOptions(ROOT),
    { stdout: options.output, stderr: options.output },
  ));
}

/** The selected suites as Vitest file filters. */
export function suiteFilters(selection: Selection): string[] {
  return selection.suites.map((suite) => `${selection.suitesDir}/${suite}/`);
}
