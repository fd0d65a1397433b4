// Bats-style run(): every field always present, never throws on a non-zero exit unless asked.
import { constants } from 'node:os';
import { redact } from './redact.ts';

export interface RunOptions {
  timeoutMs?: number;
  /** Throw RunError when the command does not exit 0. */
  check?: boolean;
  input?: string;
  env?: Record<string, string>;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, trailing newline dropped. */
  lines: string[];
  /** stdout parsed as JSON when it is JSON (for --json CLIs), else undefined. */
  json: unknown;
  durationMs: number;
  timedOut: boolean;
  cause?: unknown;
}

export class RunError extends Error {
  override name = 'RunError';
  readonly result: RunResult;
  constructor(result: RunResult) {
    super(`${result.command} exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${tail(result.stderr || result.stdout)}`);
    this.result = result;
  }
}

export function tail(text: string, lines = 3): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** As a shell reports it: the exit status, 128+N for a signal, 127 when the program was not found. */
function exitCodeOf(child: { exitCode?: number | undefined; signal?: string | undefined; code?: string }): number {
  if (child.exitCode !== undefined) return child.exitCode;
  if (child.signal) return 128 + (constants.signals[child.signal as NodeJS.Signals] ?? 0);
  return child.code === 'ENOENT' ? 127 : 126;
}

export async function run(file: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
  // Loaded on first use: most criteria never start a process, and execa is slow to import.
  const { execa } = await import('execa');
  const started = performance.now();
  const child = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    input: options.input,
    env: options.env,
    stripFinalNewline: true,
  });
  const stdout = String(child.stdout ?? '');
  const result: RunResult = {
    command: redact([file, ...args].join(' ')),
    exitCode: exitCodeOf(child),
    stdout,
    stderr: String(child.stderr ?? ''),
    lines: stdout === '' ? [] : stdout.split('\n'),
    json: parseJson(stdout),
    durationMs: Math.round(performance.now() - started),
    timedOut: child.timedOut,
    ...(child.failed && child.exitCode === undefined ? { cause: child.cause ?? child.message } : {}),
  };
  if (options.check && result.exitCode !== 0) throw new RunError(result);
  return result;
}
