// The gate's options: one typed table, defaults, and the checks that turn bad input into exit 2.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { ROOT, DEFAULT_SUITES_DIR, SUITES } from '../vitest.workspace.ts';
import { ROLES, type Role } from '../helpers/roles.ts';
import { didYouMean } from '../helpers/did-you-mean.ts';
import { UsageError } from './exit-codes.ts';

export interface GateOptions {
  profile?: string;
  role?: Role;
  suites: string[];
  iterations: number;
  grep?: string;
  out: string;
  reportsDir: string;
  allowDestructive: boolean;
  list: boolean;
  suitesDir: string;
  timeoutSeconds?: number;
}

export interface RawOptions {
  profile?: string;
  role?: string;
  suite?: string[];
  iterations?: string;
  grep?: string;
  out?: string;
  allowDestructive?: boolean;
  list?: boolean;
  suites?: string;
  timeout?: string;
}

function positiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a whole number >= 1, got "${value}"`);
  return Number(value);
}

/**
 * Fail before anything starts rather than after the first iteration. Checked, not made: the reports make
 * it, so a run that ends at exit 2 leaves no empty directory behind.
 */
function writableDir(dir: string, flag: string): void {
  let existing = dir;
  while (!existsSync(existing)) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) throw Object.assign(new Error(`${existing} is not a directory`), { code: 'ENOTDIR' });
    accessSync(existing, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write reports to ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Where reports go. `--out reports/latest` means "the newest run": writing through that link would overwrite
 * another run's reports, so the run gets its own reports/<run-id>, and latest is pointed at it afterwards.
 */
function reportsOut(out: string | undefined, reportsDir: string, id: string): string {
  const resolved = out === undefined ? join(reportsDir, id) : resolve(out);
  return resolved === join(reportsDir, 'latest') ? join(reportsDir, id) : resolved;
}

export function runId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')}-${process.pid}`;
}

export function resolveOptions(raw: RawOptions, id: string, env: NodeJS.ProcessEnv = process.env): GateOptions {
  const suitesDir = raw.suites ? resolve(raw.suites) : DEFAULT_SUITES_DIR;
  if (!existsSync(suitesDir) || !statSync(suitesDir).isDirectory()) throw new UsageError(`--suites: ${raw.suites} is not a directory`);
  const suites = raw.suite?.length ? raw.suite : ['preflight'];
  for (const suite of suites) {
    if (!existsSync(join(suitesDir, suite))) {
      const hint = didYouMean(suite, SUITES);
      throw new UsageError(`--suite: no suite "${suite}" under ${raw.suites ?? 'suites/'}${hint ? `; did you mean "${hint}"?` : ''} (suites: ${SUITES.join(', ')})`);
    }
  }
  if (raw.role !== undefined && !(ROLES as readonly string[]).includes(raw.role)) {
    const hint = didYouMean(raw.role, ROLES);
    throw new UsageError(`--role: "${raw.role}" is not a role${hint ? `; did you mean "${hint}"?` : ''} (roles: ${ROLES.join(', ')})`);
  }
  if (raw.grep !== undefined) {
    try {
      new RegExp(raw.grep);
    } catch (error) {
      throw new UsageError(`--grep: "${raw.grep}" is not a valid regular expression (${(error as Error).message})`);
    }
  }
  const reportsDir = join(ROOT, 'reports');
  const out = reportsOut(raw.out, reportsDir, id);
  if (!raw.list) writableDir(out, raw.out ? '--out' : 'reports/');
  return {
    ...(raw.profile ? { profile: raw.profile } : {}),
    ...(raw.role ? { role: raw.role as Role } : {}),
    suites,
    iterations: raw.iterations === undefined ? 5 : positiveInt(raw.iterations, '--iterations'),
    ...(raw.grep ? { grep: raw.grep } : {}),
    out,
    reportsDir,
    allowDestructive: Boolean(raw.allowDestructive) || env.FLEETGATE_ALLOW_DESTRUCTIVE === '1',
    list: Boolean(raw.list),
    suitesDir,
    ...(raw.timeout === undefined ? {} : { timeoutSeconds: positiveInt(raw.timeout, '--timeout') }),
  };
}
