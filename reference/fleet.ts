// The embedded default target as a real fleet: reference node B and two more nodes of the same role
// (as in seed 001, where one gate runs on every host), and node A, each a container without Node.js. The gate runs
// ON each: two are reached with docker, one over ssh (sshd in the image, a key pair made for the run,
// a loopback port). Builder → StartedArenaFleet, which writes the inventory and profiles for the run.
// What differs between kinds of node (image, secrets, profile) is in node-kinds.ts.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, PullPolicy, Wait, type StartedTestContainer } from 'testcontainers';
import { stringify } from 'yaml';
import { registerSecret } from '../helpers/redact.ts';
import { ensureReferenceImages } from './images/build.ts';
import { ReferenceBuilder, knownMutant } from './builder.ts';
import { findMutant } from './mutants.ts';
import { CONTROL_PLANE, REGISTRY, VPN, publishOnLoopback, type NodeKind } from './node-kinds.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN, createRunNetwork, reapOrphans, removeImagesFrom, removeRun } from './run-containers.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const secret = (): string => randomBytes(18).toString('base64url');

/** The values of `names` (a node kind's secrets) out of the run's. */
const own = (names: readonly string[] | undefined, values: Record<string, string>): Record<string, string> => Object.fromEntries((names ?? []).map((n) => [n, values[n]!]));

/** A port nothing on the host's loopback listens on now (the kernel's pick), for a node published at a known address. */
export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

interface KeyPair {
  privateKey: string;
  publicKey: string;
}

function keyPair(dir: string, name: string): KeyPair & { file: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `fleetgate-${name}`, '-f', file]);
  return { file, privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

export interface FleetNodePlan {
  name: string;
  via: 'docker' | 'ssh';
  kind: NodeKind;
  /** Started only because a kept node `needs` it (node A for node B's spawns): not in the inventory, never gated. */
  support?: boolean;
}

export class ArenaFleet extends ReferenceBuilder {
  #mutant: { name: string; node: string } | undefined;
  #cpus: number | undefined;
  #outlive = false;
  readonly #nodes: FleetNodePlan[] = [
    { name: 'arena-a', via: 'docker', kind: REGISTRY },
    { name: 'arena-b1', via: 'docker', kind: CONTROL_PLANE },
    { name: 'arena-b2', via: 'docker', kind: CONTROL_PLANE },
    { name: 'arena-b3', via: 'ssh', kind: CONTROL_PLANE },
    { name: 'arena-c', via: 'docker', kind: VPN },
  ];

  /** One fault switch, on one node (default the first of the mutant's role): the other nodes must stay green. */
  withMutant(name: string | undefined, node?: string): this {
    const known = knownMutant(name);
    if (!known) return this;
    const role = findMutant(known)!.role;
    node ??= this.#nodes.find((n) => n.kind.role === role)?.name;
    if (!node || !this.#nodes.some((n) => n.name === node)) throw new Error(`ARENA_MUTANT_NODE: no reference node "${node ?? `of role ${role}`}" (nodes: ${this.#nodes.map((n) => n.name).join(', ')})`);
    this.#mutant = { name: known, node };
    return this;
  }

  /**
   * Only the nodes of these roles (one role: the same-role fleet of seed 001, as the fleet's own tests and benchmark
   * use), plus, as support, the first node of each role they `need` (node A, which node B's spawns pull from).
   */
  withRole(...roles: string[]): this {
    const kept = this.#nodes.filter((n) => roles.includes(n.kind.role));
    const unknown = roles.find((role) => !kept.some((n) => n.kind.role === role));
    if (unknown !== undefined) throw new Error(`no reference node has role "${unknown}" (roles: ${[...new Set(this.#nodes.map((n) => n.kind.role))].join(', ')})`);
    return this.#keep(kept);
  }

  /** Only the named nodes (node C with the node B it reads: `withNodes('arena-b1', 'arena-c')`), plus support as withRole adds it. */
  withNodes(...names: string[]): this {
    const unknown = names.filter((name) => !this.#nodes.some((n) => n.name === name));
    if (unknown.length) throw new Error(`no reference node ${unknown.join(', ')} (nodes: ${this.#nodes.map((n) => n.name).join(', ')})`);
    return this.#keep(this.#nodes.filter((n) => names.includes(n.name)));
  }

  /** Keep these nodes, and the first node of each role they need that none of them has, as support (not gated). */
  #keep(kept: FleetNodePlan[]): this {
    const roles = new Set(kept.map((n) => n.kind.role));
    const needed = new Set(kept.flatMap((n) => (n.kind.needs && !roles.has(n.kind.needs.role) ? [n.kind.needs.role] : [])));
    const support = [...needed].map((role) => ({ ...this.#nodes.find((n) => n.kind.role === role)!, support: true }));
    this.#nodes.splice(0, this.#nodes.length, ...support, ...kept);
    return this;
  }

  /** A fixed CPU share per node, as if each were its own machine: the fleet benchmark compares 1 node and 3 on equal terms. */
  withNodeCpus(cpus: number): this {
    this.#cpus = cpus;
    return this;
  }

  /**
   * The nodes stay after this process exits (`npm run stack:up`): no owner pid on them, so a later run's
   * reaper leaves them alone, and `npm run stack:down` removes them by run id.
   */
  outlivingThisProcess(): this {
    this.#outlive = true;
    return this;
  }

  /** The fault switch and the node it is on, once withMutant named one. */
  get mutant(): { readonly name: string; readonly node: string } | undefined {
    return this.#mutant;
  }

  async start(): Promise<StartedArenaFleet> {
    await reapOrphans(this.log);
    const images = await ensureReferenceImages(this.log);
    const dir = mkdtempSync(join(tmpdir(), 'fleetgate-arena-fleet-'));
    const kinds = new Set(this.#nodes.map((n) => n.kind));
    const secrets = Object.fromEntries([...kinds].flatMap((k) => k.secrets).map((name) => [name, secret()]));
    const nodeSecrets = Object.fromEntries([...kinds].flatMap((k) => k.nodeSecrets ?? []).map((name) => [name, secret() + secret()]));
    const client = keyPair(dir, 'client');
    const host = keyPair(dir, 'host');
    [...Object.values(secrets), ...Object.values(nodeSecrets), client.privateKey, host.privateKey].forEach(registerSecret);
    // A node another kind `needs` (node-kinds.ts) is published on a host port chosen now, so both start together.
    const published = new Map<string, { plan: FleetNodePlan; port: number; address: string }>();
    for (const needs of new Set(this.#nodes.flatMap((n) => n.kind.needs ?? []))) {
      const plan = this.#nodes.find((n) => n.kind.role === needs.role);
      if (plan && !published.has(needs.role)) published.set(needs.role, { plan, port: needs.port, address: `127.0.0.1:${await freePort()}` });
    }
    const needed = (kind: NodeKind): Record<string, string> => {
      const target = kind.needs && published.get(kind.needs.role);
      return target ? { ...kind.needs!.env(target.address), ...own(kind.needs!.secrets, secrets) } : {};
    };
    const registries = [...published.values()].map((p) => p.address);
    // A node that reads another (node-kinds.ts) names it on a network of the run: the first of its role
    // without the fault switch, so the switch's node alone goes red.
    const readTarget = new Map<FleetNodePlan, FleetNodePlan>();
    for (const plan of this.#nodes.filter((n) => n.kind.reads)) {
      const ofRole = this.#nodes.filter((n) => n.kind.role === plan.kind.reads!.role);
      const target = ofRole.find((n) => n.name !== this.#mutant?.node) ?? ofRole[0];
      if (target) readTarget.set(plan, target);
    }
    this.log(`starting the reference fleet: ${this.#nodes.map((n) => `${n.name} (${n.via})`).join(', ')}${this.#mutant ? `; mutant ${this.#mutant.name} on ${this.#mutant.node}` : ''}`);
    try {
      // Instances B starts carry the same owner: a kept stack's outlive this process too.
      const owner = this.#outlive ? `${hostname()}:stack` : `${hostname()}:${process.pid}`;
      const network = readTarget.size ? await createRunNetwork(this.runId, owner) : undefined;
      const started = await Promise.all(this.#nodes.map((plan) => {
        const { kind } = plan;
        const publish = [...published.values()].find((p) => p.plan === plan);
        const base = new GenericContainer(images[kind.image])
          .withName(`fleetgate-${plan.name}-${this.runId}`)
          .withHostname(plan.name)
          .withLabels({ [LABEL_RUN]: this.runId, [LABEL_NODE]: plan.name, [LABEL_OWNER]: owner })
          .withEnvironment({
            ...kind.environment, ...own(kind.secrets, secrets), ...own(kind.nodeSecrets, nodeSecrets), ...needed(kind),
            ...(readTarget.has(plan) ? kind.reads!.env(readTarget.get(plan)!.name) : {}),
            // What a node starts itself (node B's instances) carries the run's labels too: removed with the run.
            FLEETGATE_RUN_LABELS: `${LABEL_RUN}=${this.runId},${LABEL_OWNER}=${owner}`,
            ARENA_MUTANT: this.#mutant?.node === plan.name ? this.#mutant.name : '',
            ...(plan.via === 'ssh' ? { FLEETGATE_SSH_AUTHORIZED_KEY: client.publicKey, FLEETGATE_SSH_HOST_KEY: host.privateKey } : {}),
          })
          .withResourcesQuota({ memory: 1, ...(this.#cpus ? { cpu: this.#cpus } : {}) })
          .withPullPolicy(PullPolicy.defaultPolicy())
          .withWaitStrategy(Wait.forLogMessage(kind.readyLog))
          .withStartupTimeout(120_000);
        const networked = network ? base.withNetworkMode(network).withNetworkAliases(plan.name) : base;
        const configured = kind.configure ? kind.configure(networked) : networked;
        const container = publish ? publishOnLoopback(configured, publish.port, Number(publish.address.split(':')[1])) : configured;
        return (plan.via === 'ssh' ? container.withExposedPorts(22) : container).start();
      }));
      for (const [plan] of readTarget) {
        const container = started[this.#nodes.indexOf(plan)]!;
        await plan.kind.settle?.(async (command) => container.exec(command));
      }
      return new StartedArenaFleet(this.runId, dir, this.#nodes, started, secrets, { client: client.file, hostPublicKey: host.publicKey }, registries);
    } catch (error) {
      await removeRun(this.runId);
      await removeImagesFrom(registries);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the reference fleet did not start: ${(error as Error).message}`, { cause: error });
    }
  }
}

export class StartedArenaFleet implements AsyncDisposable {
  readonly runId: string;
  readonly dir: string;
  readonly inventoryFile: string;
  readonly #secrets: Record<string, string>;
  /** Registries published for the run (`host:port`): what the host's daemon pulled from them goes with the run. */
  readonly #registries: readonly string[];

  constructor(runId: string, dir: string, plans: readonly FleetNodePlan[], containers: readonly StartedTestContainer[], secrets: Record<string, string>, ssh: { client: string; hostPublicKey: string }, registries: readonly string[] = []) {
    this.runId = runId;
    this.#registries = registries;
    this.dir = dir;
    this.#secrets = secrets;
    mkdirSync(join(dir, 'profiles'));
    const knownHosts = join(dir, 'known_hosts');
    const nodes = plans.flatMap((plan, i) => {
      if (plan.support) return [];
      const container = containers[i]!;
      // As the node sees itself: the gate runs there, so its own ports on loopback, pinned to its hostname.
      const profile = plan.kind.profile(plan.name);
      writeFileSync(join(dir, 'profiles', `${plan.name}.yaml`), `# generated for run ${runId}\n${stringify(profile)}`, { mode: 0o600 });
      const transport = plan.via === 'docker'
        ? { kind: 'docker', container: container.getName().replace(/^\//, '') }
        : { kind: 'ssh', host: '127.0.0.1', port: container.getMappedPort(22), user: 'root', identityFile: ssh.client, knownHostsFile: knownHosts };
      if (plan.via === 'ssh') writeFileSync(knownHosts, `[127.0.0.1]:${container.getMappedPort(22)} ${ssh.hostPublicKey}\n`);
      return [{ name: plan.name, role: profile.role, transport, profile: `profiles/${plan.name}.yaml` }];
    });
    this.inventoryFile = join(dir, 'inventory.yaml');
    writeFileSync(this.inventoryFile, `# the reference fleet, generated for run ${runId}\n${stringify({ nodes })}`);
  }

  /** Put the secrets the profiles name where the fleet controller resolves them. */
  exportSecrets(): void {
    Object.assign(process.env, this.#secrets);
  }

  /** The same secrets as a file (mode 600) a shell sources, for a stack kept after this process (`set -a; . FILE`). */
  writeSecretsFile(): string {
    const file = join(this.dir, 'secrets.env');
    writeFileSync(file, Object.entries(this.#secrets).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
    return file;
  }

  /** Registries (host addresses) whose pulled images go with the fleet. */
  get registries(): readonly string[] {
    return this.#registries;
  }

  async stop(): Promise<void> {
    await removeRun(this.runId);
    await removeImagesFrom(this.#registries);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
