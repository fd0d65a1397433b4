// The gate's options: one typed table, defaults, and the checks that turn bad input into exit 2.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve, join, relative } from 'node:path';
import { ROOT, DEFAULT_SUITES_DIR } from '../vitest.workspace.ts';
import { suitesIn } from '../helpers/suites-folder.ts';
import { didYouMean } from '../helpers/did-you-mean.ts';
import { offeredSuites, type SuitesDir } from './gate/criterion-id.ts';
import { UsageError } from './exit-codes.ts';
import { defaultReportsDir } from './work-dir.ts';

export interface GateOptions {
  profile?: string;
  /** Checked against the profile (and the suites folders) once the target is known. */
  role?: string;
  suites: string[];
  iterations: number;
  grep?: string;
  out: string;
  reportsDir: string;
  allowDestructive: boolean;
  list: boolean;
  /** No profile: reference node B alone, the gate on this machine (the developer path), not the on-node fleet. */
  referenceNode: boolean;
  /** fleetgate's built-in suites, then the operator's `--suites` folder. */
  suitesDirs: SuitesDir[];
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
  referenceNode?: boolean;
  suites?: string;
  /** false with --no-builtin-suites: only the operator's folder. */
  builtinSuites?: boolean;
  timeout?: string;
}

/** A count option (--iterations, --timeout, --concurrency): a whole number >= 1, else exit 2. */
export function positiveInt(value: string, flag: string): number {
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
  const suitesDirs = selectSuitesDirs(raw);
  const known = [...new Set(suitesDirs.flatMap((s) => offeredSuites(s, suitesIn(s.dir))))].sort();
  const suites = raw.suite?.length ? raw.suite : ['preflight'];
  for (const suite of suites) {
    if (!known.includes(suite)) {
      const hint = didYouMean(suite, known);
      const where = suitesDirs.map((s) => `${s.label}/`).join(' or ');
      throw new UsageError(`--suite: no suite "${suite}" under ${where}${hint ? `; did you mean "${hint}"?` : ''} (suites: ${known.join(', ')})`);
    }
  }
  if (raw.grep !== undefined) {
    try {
      new RegExp(raw.grep);
    } catch (error) {
      throw new UsageError(`--grep: "${raw.grep}" is not a valid regular expression (${(error as Error).message})`);
    }
  }
  const reportsDir = defaultReportsDir(ROOT, env);
  const out = reportsOut(raw.out, reportsDir, id);
  if (!raw.list) writableDir(out, raw.out ? '--out' : 'reports/');
  return {
    ...(raw.profile ? { profile: raw.profile } : {}),
    ...(raw.role ? { role: raw.role } : {}),
    suites,
    iterations: raw.iterations === undefined ? 5 : positiveInt(raw.iterations, '--iterations'),
    ...(raw.grep ? { grep: raw.grep } : {}),
    out,
    reportsDir,
    allowDestructive: Boolean(raw.allowDestructive) || env.FLEETGATE_ALLOW_DESTRUCTIVE === '1',
    list: Boolean(raw.list),
    referenceNode: Boolean(raw.referenceNode),
    suitesDirs,
    ...(raw.timeout === undefined ? {} : { timeoutSeconds: positiveInt(raw.timeout, '--timeout') }),
  };
}

/** An operator's folder runs beside fleetgate's built-in (profile-driven) suites unless told otherwise. */
function selectSuitesDirs(raw: RawOptions, cwd = process.cwd()): SuitesDir[] {
  const builtin: SuitesDir = { dir: DEFAULT_SUITES_DIR, label: 'suites' };
  // Beside an operator's folder only the profile-driven preflight applies; our other suites are the reference stack's.
  if (!raw.suites) {
    if (raw.builtinSuites === false) throw new UsageError('--no-builtin-suites needs --suites DIR: there would be nothing to run');
    return [builtin];
  }
  const dir = resolve(raw.suites);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--suites: ${raw.suites} is not a directory`);
  const own: SuitesDir = { dir, label: relative(cwd, dir) || '.' };
  if (dir === DEFAULT_SUITES_DIR) return [builtin];
  return raw.builtinSuites === false ? [own] : [{ ...builtin, only: ['preflight'] }, own];
}
