// The node is a container on this Docker host: `docker exec` to run, `docker cp` to copy.
import { mkdirSync } from 'node:fs';
import { spawnChecked, spawnCollect, lastLine } from './spawn.ts';
import { UnreachableError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

export class DockerTransport implements Transport {
  readonly target: string;
  readonly #container: string;

  constructor(container: string) {
    this.#container = container;
    this.target = `docker ${container}`;
  }

  async check(): Promise<void> {
    const state = await spawnCollect('docker', ['inspect', '-f', '{{.State.Running}}', this.#container], { timeoutMs: 20_000 });
    if (state.exitCode !== 0) throw new UnreachableError(`${this.target}: no such container (${lastLine(state.stderr)})`);
    if (state.stdout.trim() !== 'true') throw new UnreachableError(`${this.target}: the container is not running`);
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return spawnCollect('docker', ['exec', '-i', this.#container, ...argv], options);
  }

  async put(localFile: string, remotePath: string): Promise<void> {
    const dir = remotePath.slice(0, remotePath.lastIndexOf('/')) || '/';
    await spawnChecked('docker', ['exec', this.#container, 'mkdir', '-p', dir], `${this.target}: mkdir ${dir}`);
    await spawnChecked('docker', ['cp', localFile, `${this.#container}:${remotePath}`], `${this.target}: copy to ${remotePath}`);
  }

  async get(remoteDir: string, localDir: string): Promise<void> {
    mkdirSync(localDir, { recursive: true });
    // `dir/.` copies the directory's content, not the directory itself.
    await spawnChecked('docker', ['cp', `${this.#container}:${remoteDir}/.`, localDir], `${this.target}: copy from ${remoteDir}`);
  }

  async close(): Promise<void> {}
}
