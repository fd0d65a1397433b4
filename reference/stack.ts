// The reference stack "arena", started for a run: today node B (control-plane). Builder → Started*.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { execa } from 'execa';
import { GenericContainer, PullPolicy, Wait, type StartedTestContainer } from 'testcontainers';
import type { ProfileInput } from '../helpers/profile/schema.ts';
import { registerSecret } from '../helpers/redact.ts';
import { writeTempProfile, type TempProfile } from '../helpers/profile/temp-file.ts';
import { ensureReferenceImages } from './images/build.ts';
import { findMutant, MUTANTS } from './mutants.ts';
import { nodeBProfile } from './profiles/node-b.ts';

// Ryuk's image cannot be pulled here; every container carries our labels and is removed by us.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const LABEL_RUN = 'org.fleetgate.run';
export const LABEL_NODE = 'org.fleetgate.node';
/** `<host>:<pid>` of the process that started the container: lets a later run reap what a killed one left. */
export const LABEL_OWNER = 'org.fleetgate.owner';

function secret(): string {
  return randomBytes(18).toString('base64url');
}

export class ArenaStack {
  #mutant: string | undefined;
  #runId = randomBytes(4).toString('hex');
  #log: (line: string) => void = () => undefined;

  /** Start with one fault switch on (see reference/mutants.ts). */
  withMutant(name: string | undefined): this {
    if (name && !findMutant(name)) {
      throw new Error(`unknown mutant "${name}" (known: ${MUTANTS.map((m) => m.name).join(', ')})`);
    }
    this.#mutant = name || undefined;
    return this;
  }

  withRunId(id: string): this {
    this.#runId = id;
    return this;
  }

  withLog(log: (line: string) => void): this {
    this.#log = log;
    return this;
  }

  async start(): Promise<StartedArenaStack> {
    await reapOrphans(this.#log);
    const { nodeB: image } = await ensureReferenceImages(this.#log);
    const secrets = { ARENA_DB_PASSWORD: secret(), ARENA_REDIS_PASSWORD: secret() };
    Object.values(secrets).forEach(registerSecret);
    const name = `fleetgate-arena-b-${this.#runId}`;
    this.#log(`starting reference node B (${name}${this.#mutant ? `, mutant ${this.#mutant}` : ''})`);
    const container = new GenericContainer(image)
      .withName(name)
      .withLabels({ [LABEL_RUN]: this.#runId, [LABEL_NODE]: 'arena-b', [LABEL_OWNER]: `${hostname()}:${process.pid}` })
      .withEnvironment({ ...secrets, ARENA_SESSION_SECRET: secret() + secret(), ARENA_MUTANT: this.#mutant ?? '' })
      .withExposedPorts(8080, 8443, 5432, 6379)
      .withTmpFs({ '/var/lib/arena': 'rw,size=64m' })
      .withResourcesQuota({ memory: 1 })
      .withPullPolicy(PullPolicy.defaultPolicy())
      .withWaitStrategy(Wait.forLogMessage('[node-b] ready'))
      .withStartupTimeout(120_000);
    try {
      return new StartedArenaStack(await container.start(), secrets, this.#runId);
    } catch (error) {
      const logs = await execa('docker', ['logs', '--tail', '15', name], { reject: false, all: true });
      await removeRun(this.#runId);
      throw new Error(`reference node B did not start: ${(error as Error).message}\n${logs.all ?? ''}`, { cause: error });
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
      container: this.nodeB.getName().replace(/^\//, ''),
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

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Remove every container a run created (by label), whatever state it is in. */
export async function removeRun(runId: string): Promise<void> {
  const { stdout } = await execa('docker', ['ps', '-aq', '--filter', `label=${LABEL_RUN}=${runId}`], { reject: false });
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await execa('docker', ['rm', '-f', '-v', ...ids], { reject: false });
}

/** Names of the containers fleetgate runs created that still exist: one run's (runId), or every run's. */
export async function leftoverContainers(runId?: string): Promise<string[]> {
  const label = runId ? `${LABEL_RUN}=${runId}` : LABEL_RUN;
  const { stdout } = await execa('docker', ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove containers whose owning process on this host is gone (a run killed with SIGKILL cannot clean up). */
export async function reapOrphans(log: (line: string) => void = () => undefined): Promise<string[]> {
  const { stdout } = await execa('docker', ['ps', '-a', '--filter', `label=${LABEL_RUN}`, '--format', `{{.Names}} {{.Label "${LABEL_OWNER}"}}`]);
  const orphans = stdout.split('\n').filter(Boolean).flatMap((line) => {
    const [name, owner = ''] = line.split(' ');
    const [host, pid] = owner.split(':');
    return host === hostname() && pid && !alive(Number(pid)) ? [name!] : [];
  });
  if (orphans.length) {
    await execa('docker', ['rm', '-f', '-v', ...orphans]);
    log(`removed ${orphans.length} container(s) left by a killed run: ${orphans.join(', ')}`);
  }
  return orphans;
}
