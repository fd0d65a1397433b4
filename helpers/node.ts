// The node under test: commands run ON it, through its transport (local today, docker exec, later ssh).
import type { Transport } from './profile/schema.ts';
import { run, type RunOptions, type RunResult } from './run.ts';

export class TargetNode {
  readonly name: string;
  readonly transport: Transport;
  constructor(name: string, transport: Transport) {
    this.name = name;
    this.transport = transport;
  }

  /** Run a program on the node. */
  run(file: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    if (this.transport.kind === 'local') return run(file, args, options);
    const input = options.input === undefined ? [] : ['-i'];
    return run('docker', ['exec', ...input, this.transport.container, file, ...args], options);
  }

  /** Run a POSIX shell snippet on the node. */
  sh(script: string, options: RunOptions = {}): Promise<RunResult> {
    return this.run('sh', ['-c', script], options);
  }
}
