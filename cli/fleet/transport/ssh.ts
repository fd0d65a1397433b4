// The node is reached with the system OpenSSH client: the operator's ssh config and agent apply,
// BatchMode (never a prompt), one ControlMaster connection reused for every step of a run.
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCollect } from './spawn.ts';
import { UnreachableError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

export interface SshTarget {
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  /** Trust exactly the host keys in this file. */
  knownHostsFile?: string;
  /** Extra `-o` options (e.g. UserKnownHostsFile for a run-made key). */
  options?: readonly string[];
  connectTimeoutSeconds?: number;
}

/** A word for a remote POSIX shell: ssh joins argv into one command line. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./=:@%+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** ssh's last words → one line a person acts on. */
export function describeSshFailure(target: string, stderr: string): string {
  const text = stderr.trim();
  const kinds: [RegExp, string][] = [
    [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i, 'the host key is unknown or changed (check known_hosts)'],
    [/Permission denied/i, 'authentication refused (key, user or agent)'],
    [/Connection refused/i, 'connection refused (is sshd listening on that port?)'],
    [/timed out|Connection timeout/i, 'connection timed out'],
    [/Could not resolve hostname|Name or service not known/i, 'host name does not resolve'],
    [/No route to host|Network is unreachable/i, 'no route to host'],
  ];
  const kind = kinds.find(([pattern]) => pattern.test(text))?.[1];
  return `${target}: ${kind ?? (text.split('\n').filter(Boolean).at(-1) ?? 'ssh failed')}`;
}

export class SshTransport implements Transport {
  readonly target: string;
  readonly #destination: string;
  readonly #base: string[];
  readonly #controlDir: string;

  constructor(target: SshTarget) {
    this.#destination = `${target.user ? `${target.user}@` : ''}${target.host}`;
    this.target = `ssh ${this.#destination}${target.port ? `:${target.port}` : ''}`;
    // A short private path: ControlPath must fit a Unix socket name.
    this.#controlDir = mkdtempSync(join(tmpdir(), 'fg-ssh-'));
    this.#base = [
      '-o', 'BatchMode=yes',
      '-o', `ConnectTimeout=${target.connectTimeoutSeconds ?? 10}`,
      '-o', 'ControlMaster=auto', '-o', `ControlPath=${join(this.#controlDir, 'c')}`, '-o', 'ControlPersist=60',
      '-o', 'ServerAliveInterval=15',
      ...(target.port ? ['-p', String(target.port)] : []),
      ...(target.identityFile ? ['-i', target.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
      ...(target.knownHostsFile ? ['-o', `UserKnownHostsFile=${target.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes'] : []),
      ...(target.options ?? []).flatMap((o) => ['-o', o]),
    ];
  }

  async check(): Promise<void> {
    const result = await spawnCollect('ssh', [...this.#base, this.#destination, 'true'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new UnreachableError(describeSshFailure(this.target, result.stderr));
  }

  async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const result = await spawnCollect('ssh', [...this.#base, this.#destination, '--', argv.map(shellQuote).join(' ')], options);
    // 255 is ssh's own failure, not the remote program's.
    if (result.exitCode === 255 && /^(ssh|kex_|Connection|Host key|Permission denied)/m.test(result.stderr)) {
      throw new UnreachableError(describeSshFailure(this.target, result.stderr));
    }
    return result;
  }

  async put(localFile: string, remotePath: string): Promise<void> {
    const dir = remotePath.slice(0, remotePath.lastIndexOf('/')) || '/';
    const script = `mkdir -p ${shellQuote(dir)} && cat > ${shellQuote(remotePath)}`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ssh', [...this.#base, this.#destination, '--', script], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      createReadStream(localFile).pipe(child.stdin);
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${this.target}: copy to ${remotePath} failed: ${stderr.trim().split('\n').at(-1) ?? code}`))));
    });
  }

  async get(remoteDir: string, localDir: string): Promise<void> {
    mkdirSync(localDir, { recursive: true });
    const pipeline = `ssh ${this.#base.map(shellQuote).join(' ')} ${shellQuote(this.#destination)} -- ${shellQuote(`tar -C ${shellQuote(remoteDir)} -cf - .`)} | tar -C ${shellQuote(localDir)} -xf -`;
    const result = await spawnCollect('bash', ['-o', 'pipefail', '-c', pipeline]);
    if (result.exitCode !== 0) throw new Error(`${this.target}: copy from ${remoteDir} failed: ${result.stderr.trim().split('\n').at(-1) ?? result.exitCode}`);
  }

  async close(): Promise<void> {
    await spawnCollect('ssh', [...this.#base, '-O', 'exit', this.#destination], { timeoutMs: 10_000 }).catch(() => undefined);
    rmSync(this.#controlDir, { recursive: true, force: true });
  }
}
