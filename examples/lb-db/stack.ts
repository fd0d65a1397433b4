// The example system started on this machine: lb and db nodes from one image, each with its profile — the
// annotated one in profiles/, pointed at the container's mapped ports — in a temp dir. Builder → Started.
// As a script (`node_modules/.bin/node examples/lb-db/stack.ts`, EXAMPLE_FAULT=<name> for a fault) it starts
// lb1 and db1, prints how to run the gate against them, and removes everything on Enter or Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { parse, stringify } from 'yaml';
import { registerSecret } from '../../helpers/redact.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN, reapOrphans, removeRun } from '../../reference/run-containers.ts';
import { ensureExampleImage } from './image.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

/** The example's two roles: only this folder knows them, fleetgate does not. */
export type Role = 'lb' | 'db';
/** Each fault switch (image/entrypoint.sh) and the role whose node it breaks. */
export const FAULTS = { 'backend-down': 'lb', 'backend-slow': 'lb', 'frontend-down': 'lb', 'low-connections': 'db', 'eviction-noeviction': 'db', 'db-standby': 'db' } as const;
/** A fault switch's name, as EXAMPLE_FAULT takes it. */
export type Fault = keyof typeof FAULTS;

const PORTS: Record<Role, number[]> = { lb: [80, 8404, 8081, 8082], db: [5432, 6379] };
const SECRETS: Record<Role, string[]> = { lb: ['LB_STATS_PASSWORD'], db: ['APP_DB_PASSWORD', 'APP_REDIS_PASSWORD'] };
const PROFILES = join(import.meta.dirname, 'profiles');

interface NodeSpec {
  role: Role;
  fault?: Fault;
}

/** `lb1`, `db1`, `lb1-backend-down`: a container's node key, also its profile's file name. */
function key({ role, fault }: NodeSpec): string {
  return `${role}1${fault ? `-${fault}` : ''}`;
}

/** What to start: which nodes, with which fault; start() brings them up side by side under one run label. */
export class ExampleStack {
  #nodes: NodeSpec[] = [];
  #runId = `example-${randomBytes(4).toString('hex')}`;
  #log: (line: string) => void = () => undefined;

  /** Add a node (several may share a role, each with its own fault); none added means lb1 and db1, healthy. */
  withNode(role: Role, fault?: Fault): this {
    if (fault && FAULTS[fault] !== role) throw new Error(`fault ${fault} is for role ${FAULTS[fault]}, not ${role}`);
    this.#nodes.push({ role, fault });
    return this;
  }

  withLog(log: (line: string) => void): this {
    this.#log = log;
    return this;
  }

  /** Start every node side by side; on any failure nothing is left running. */
  async start(): Promise<StartedExampleStack> {
    await reapOrphans(this.#log);
    const image = await ensureExampleImage(this.#log);
    const nodes: NodeSpec[] = this.#nodes.length ? this.#nodes : [{ role: 'lb' }, { role: 'db' }];
    const secrets = Object.fromEntries(Object.values(SECRETS).flat().map((name) => [name, randomBytes(18).toString('base64url')]));
    Object.values(secrets).forEach(registerSecret);
    const started = new StartedExampleStack(this.#runId, secrets);
    this.#log(`starting ${nodes.map(key).join(', ')} (run ${this.#runId})`);
    // Settled, not Promise.all: a failed start must not remove the run while other nodes are still starting.
    const outcomes = await Promise.allSettled(nodes.map(async (node) => {
      const container = await new GenericContainer(image)
        .withName(`fleetgate-${key(node)}-${this.#runId}`)
        .withLabels({ [LABEL_RUN]: this.#runId, [LABEL_NODE]: key(node), [LABEL_OWNER]: `${hostname()}:${process.pid}` })
        .withEnvironment({ EXAMPLE_ROLE: node.role, EXAMPLE_FAULT: node.fault ?? '', ...pick(secrets, SECRETS[node.role]) })
        .withExposedPorts(...PORTS[node.role])
        .withWaitStrategy(Wait.forLogMessage(`[example] ${node.role} ready`))
        .withStartupTimeout(60_000)
        .start();
      started.add(key(node), node.role, container);
    }));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) {
      await started.stop();
      throw new Error(`the example did not start: ${String(failed.reason)}`, { cause: failed.reason });
    }
    return started;
  }
}

/** The running nodes, their profiles and the secrets those profiles refer to; stop() removes all of it. */
export class StartedExampleStack implements AsyncDisposable {
  readonly runId: string;
  /** Where the profiles are written; removed by stop(). */
  readonly dir = mkdtempSync(join(tmpdir(), 'fleetgate-example-'));
  /** Node key → its profile file. */
  readonly profiles = new Map<string, string>();
  readonly #secrets: Record<string, string>;

  constructor(runId: string, secrets: Record<string, string>) {
    this.runId = runId;
    this.#secrets = secrets;
  }

  /** The node's profile: the annotated example with this machine's mapped ports and a docker transport. */
  add(node: string, role: Role, container: StartedTestContainer): void {
    const profile = pointAt(parse(readFileSync(join(PROFILES, `${role}1.yaml`), 'utf8')), (port) => container.getMappedPort(port));
    const file = join(this.dir, `${node}.yaml`);
    const transport = { kind: 'docker', container: container.getName().replace(/^\//, '') };
    writeFileSync(file, `# ${node}, generated for run ${this.runId}\n${stringify({ ...(profile as object), transport })}`, { mode: 0o600 });
    this.profiles.set(node, file);
  }

  /** The secrets the profiles' ${env:…} references name: the environment the gate needs. */
  secretEnv(): Record<string, string> {
    return { ...this.#secrets };
  }

  async stop(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    await removeRun(this.runId);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function pick(from: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, from[name]!]));
}

/** Every `127.0.0.1:<port>` in a URL and every `port:` field, moved to the port the container is reached on. */
function pointAt(value: unknown, mapped: (port: number) => number): unknown {
  if (typeof value === 'string') return value.replace(/^(https?:\/\/127\.0\.0\.1):(\d+)/, (_, origin: string, port: string) => `${origin}:${mapped(Number(port))}`);
  if (Array.isArray(value)) return value.map((item) => pointAt(item, mapped));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'port' && typeof v === 'number' ? mapped(v) : pointAt(v, mapped)]));
  }
  return value;
}

if (import.meta.main) {
  const fault = (process.env.EXAMPLE_FAULT || undefined) as Fault | undefined;
  if (fault && !(fault in FAULTS)) throw new Error(`EXAMPLE_FAULT=${fault}: known faults are ${Object.keys(FAULTS).join(', ')}`);
  const builder = new ExampleStack().withLog((line) => console.log(line));
  for (const role of ['lb', 'db'] as const) builder.withNode(role, fault && FAULTS[fault] === role ? fault : undefined);
  const stack = await builder.start();
  const env = join(stack.dir, 'secrets.env');
  writeFileSync(env, Object.entries(stack.secretEnv()).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  console.log(`\nIn another terminal:\n  set -a; . ${env}; set +a`);
  for (const file of stack.profiles.values()) console.log(`  ./gate.sh --profile ${file} --suites examples/lb-db/suites --iterations 1`);
  console.log('\nEnter or Ctrl-C removes both nodes and the profiles.');
  await new Promise((done) => {
    process.stdin.once('data', done);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await stack.stop();
  process.exit(0);
}
