// The reference stack "arena", started for a run: today node B (control-plane). Builder → Started*.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { execa } from 'execa';
import { GenericContainer, PullPolicy, Wait, type StartedTestContainer } from 'testcontainers';
import type { ProfileInput } from '../helpers/profile/schema.ts';
import { registerSecret } from '../helpers/redact.ts';
import { writeTempProfile, type TempProfile } from '../helpers/profile/temp-file.ts';
import { ensureReferenceImages } from './images/build.ts';
import { ReferenceBuilder, knownMutant } from './builder.ts';
import { CONTROL_PLANE } from './node-kinds.ts';
import { nodeBProfile, NODE_B_ROLE } from './profiles/node-b.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN, reapOrphans, removeRun, removeRunNow } from './run-containers.ts';

// Ryuk's image cannot be pulled here; every container carries our labels and is removed by us.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

function secret(): string {
  return randomBytes(18).toString('base64url');
}

export class ArenaStack extends ReferenceBuilder {
  #mutant: string | undefined;

  /** Start with one fault switch on (see reference/mutants.ts). */
  withMutant(name: string | undefined): this {
    this.#mutant = knownMutant(name, NODE_B_ROLE);
    return this;
  }

  /** Start node B; an abort of `signal` interrupts the start and removes what it made. */
  async start(signal?: AbortSignal): Promise<StartedArenaStack> {
    // Removing the container makes a start that waits for it fail at once.
    const onAbort = (): void => void removeRun(this.runId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      await reapOrphans(this.log);
      const { nodeB: image } = await ensureReferenceImages(this.log, signal);
      signal?.throwIfAborted();
      return await this.#startNodeB(image, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #startNodeB(image: string, signal: AbortSignal | undefined): Promise<StartedArenaStack> {
    const secrets = Object.fromEntries(CONTROL_PLANE.secrets.map((n) => [n, secret()]));
    const nodeSecrets = Object.fromEntries((CONTROL_PLANE.nodeSecrets ?? []).map((n) => [n, secret() + secret()]));
    [...Object.values(secrets), ...Object.values(nodeSecrets)].forEach(registerSecret);
    const name = `fleetgate-arena-b-${this.runId}`;
    this.log(`starting reference node B (${name}${this.#mutant ? `, mutant ${this.#mutant}` : ''})`);
    const container = new GenericContainer(image)
      .withName(name)
      .withLabels({ [LABEL_RUN]: this.runId, [LABEL_NODE]: 'arena-b', [LABEL_OWNER]: `${hostname()}:${process.pid}` })
      .withEnvironment({ ...CONTROL_PLANE.environment, ...secrets, ...nodeSecrets, ARENA_MUTANT: this.#mutant ?? '' })
      .withExposedPorts(8080, 8443, 5432, 6379)
      .withTmpFs({ '/var/lib/arena': 'rw,size=64m' })
      .withResourcesQuota({ memory: 1 })
      .withPullPolicy(PullPolicy.defaultPolicy())
      .withWaitStrategy(Wait.forLogMessage('[node-b] ready'))
      .withStartupTimeout(120_000);
    try {
      const started = new StartedArenaStack(await container.start(), secrets, this.runId);
      signal?.throwIfAborted();
      return started;
    } catch (error) {
      const logs = signal?.aborted ? undefined : await execa('docker', ['logs', '--tail', '15', name], { reject: false, all: true });
      await removeRun(this.runId);
      if (signal?.aborted) throw signal.reason;
      throw new Error(`reference node B did not start: ${(error as Error).message}\n${logs?.all ?? ''}`, { cause: error });
    }
  }
}

export class StartedArenaStack implements AsyncDisposable {
  readonly nodeB: StartedTestContainer;
  readonly runId: string;
  readonly #secrets: Record<string, string>;
  #profileFile: TempProfile | undefined;

  constructor(nodeB: StartedTestContainer, secrets: Record<string, string>, runId: string) {
    this.nodeB = nodeB;
    this.#secrets = secrets;
    this.runId = runId;
  }

  /** Node B's target profile as the specs reach it from here; secrets as ${env:…} references. */
  profile(): ProfileInput {
    const host = this.nodeB.getHost() === 'localhost' ? '127.0.0.1' : this.nodeB.getHost();
    return nodeBProfile({
      transport: { kind: 'docker', container: this.nodeB.getName().replace(/^\//, '') },
      host,
      ports: { http: this.nodeB.getMappedPort(8080), https: this.nodeB.getMappedPort(8443), postgres: this.nodeB.getMappedPort(5432), redis: this.nodeB.getMappedPort(6379) },
    });
  }

  /** Put the secrets where the profile's references look (this process and the workers it starts). */
  exportSecrets(): void {
    Object.assign(process.env, this.#secrets);
  }

  /** Write the profile to a private temp file; removed by stop(). */
  writeProfile(): string {
    this.#profileFile ??= writeTempProfile(this.profile(), `generated for run ${this.runId}`);
    return this.#profileFile.file;
  }

  async stop(): Promise<void> {
    this.#profileFile?.remove();
    await removeRun(this.runId);
  }

  /** stop(), synchronously: for a process that exits now. */
  stopNow(): void {
    this.#profileFile?.remove();
    removeRunNow(this.runId);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
