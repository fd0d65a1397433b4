// Running a local program for a transport: stdin in, stdout by line, both streams kept, a deadline.
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult } from './types.ts';

export function spawnCollect(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onLine) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending && options.onLine) options.onLine(pending);
      resolve({ exitCode: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a program that does not read stdin closes it early
    const hold = options.holdStdinUntil;
    if (!hold) {
      child.stdin.end(options.input ?? '');
      return;
    }
    child.stdin.write(options.input ?? '');
    const release = (): void => void child.stdin.end();
    if (hold.aborted) release();
    else hold.addEventListener('abort', release, { once: true });
    child.on('close', () => hold.removeEventListener('abort', release));
  });
}

/** Run and require exit 0; the error says what ran and its last words. */
export async function spawnChecked(file: string, args: readonly string[], what: string, options: ExecOptions = {}): Promise<ExecResult> {
  const result = await spawnCollect(file, args, options);
  if (result.exitCode !== 0) throw new Error(`${what} failed (exit ${result.exitCode}): ${lastLine(result.stderr || result.stdout)}`);
  return result;
}

export function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
}
