// The node is this machine: run and copy directly.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnCollect } from './spawn.ts';
import type { ExecOptions, ExecResult, Transport } from './types.ts';

export class LocalTransport implements Transport {
  readonly target = 'local';

  async check(): Promise<void> {}

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return spawnCollect(argv[0]!, argv.slice(1), options);
  }

  async put(localFile: string, remotePath: string): Promise<void> {
    mkdirSync(dirname(remotePath), { recursive: true });
    cpSync(localFile, remotePath);
  }

  async get(remoteDir: string, localDir: string): Promise<void> {
    mkdirSync(localDir, { recursive: true });
    cpSync(remoteDir, localDir, { recursive: true });
  }

  async close(): Promise<void> {}
}
