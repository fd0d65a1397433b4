// The one way the gate creates a Vitest instance: no config file, the role's project, our reporters,
// and Vitest's own output kept off the terminal.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createVitest, type Reporter, type Vitest } from 'vitest/node';
import { roleProjects, ROOT, TAGS } from '../../vitest.workspace.ts';
import { keepingOurSignalHandlers } from './own-signals.ts';
import { keptThreads } from './kept-threads.ts';
import { offeredSuites, type SuitesDir } from './criterion-id.ts';
import { attachmentsStaging, runsFromBundle, viteCacheOptions } from '../work-dir.ts';

const GATE_SEED = Date.now();

export interface Selection {
  role: string;
  /** fleetgate's own suites and, beside them, an operator's (`--suites`). */
  suitesDirs: readonly SuitesDir[];
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
      // Specs run in a worker thread of this process, not a second Node process: on a node the gate must
      // stay lean (npm run bench: about 185 MiB for preflight with one thread, against 310 with forks).
      // The thread is kept from one iteration to the next (kept-threads.ts): no start-up per iteration.
      pool: keptThreads,
      // One seed for the whole gate run: a kept thread serves only runs configured as it was.
      sequence: { seed: GATE_SEED },
      ...(runsFromBundle(ROOT) ? { maxWorkers: 1 } : {}),
      projects: roleProjects({ roles: [selection.role], suitesDirs: selection.suitesDirs.map((s) => s.dir), referenceSetup: false }),
      reporters: options.reporters,
      // Not inside the bundle (read-only) nor the checkout: Vitest's copies of attached files, removed after the run.
      attachmentsDir: attachmentsStaging(),
      tags: TAGS,
      ...(options.refuseDestructive && !selection.allowDestructive ? { tagsFilter: ['!destructive'] } : {}),
      ...(selection.grep ? { testNamePattern: selection.grep } : {}),
    },
    viteCacheOptions(ROOT),
    { stdout: options.output, stderr: options.output },
  ));
}

/** The selected suites as Vitest file filters, in every suites folder that has them. */
export function suiteFilters(selection: Selection): string[] {
  return selection.suitesDirs.flatMap((s) => offeredSuites(s, selection.suites.filter((suite) => existsSync(join(s.dir, suite)))).map((suite) => `${s.dir}/${suite}/`));
}
