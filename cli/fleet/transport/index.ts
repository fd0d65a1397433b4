// The transport for an inventory node's `reach`.
import type { Reach } from '../inventory/index.ts';
import { DockerTransport } from './docker.ts';
import { LocalTransport } from './local.ts';
import { SshTransport } from './ssh.ts';
import type { Transport } from './types.ts';

export { UnreachableError, type Transport, type ExecOptions, type ExecResult } from './types.ts';

export function transportFor(reach: Reach, sshOptions: readonly string[] = []): Transport {
  switch (reach.kind) {
    case 'local':
      return new LocalTransport();
    case 'docker':
      return new DockerTransport(reach.container);
    case 'ssh':
      return new SshTransport({ ...reach, options: sshOptions });
  }
}
