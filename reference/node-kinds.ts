// What each kind of reference node needs to run in a fleet: its image, when it is ready, the secrets made
// for the run, any container settings, and its profile as the node sees itself (the gate runs there). A
// new node kind of arena is one entry here plus its folder under reference/; fleet.ts stays generic.
import { GenericContainer } from 'testcontainers';
import type { ProfileInput } from '../helpers/profile/schema.ts';
import type { ReferenceImages } from './images/build.ts';
import { nodeAProfile, NODE_A_PORTS, NODE_A_ROLE } from './profiles/node-a.ts';
import { nodeBProfile, NODE_B_PORTS, NODE_B_ROLE, NODE_B_SETTINGS } from './profiles/node-b.ts';
import { nodeCProfile, NODE_C_ROLE } from './profiles/node-c.ts';

export interface NodeKind {
  /** What the node does; a mutant of this role is switched on in a node of this kind. */
  readonly role: string;
  readonly image: keyof ReferenceImages;
  /** The line the node's entrypoint logs once it serves. */
  readonly readyLog: string;
  /** Env names the node and its profile share (`${env:NAME}`): fresh values per run, exported to the controller. */
  readonly secrets: readonly string[];
  /**
   * Env names only the node gets (fresh values per run), never the gate's environment. One name is one
   * secret of the run whichever kinds list it: node C presents the ARENA_VPN_STATE_TOKEN node B checks.
   */
  readonly nodeSecrets?: readonly string[];
  /**
   * A node of another role this one reaches through the host rather than a network of the fleet (node B's
   * instances are pulled by the host's Docker daemon from node A's registry): the fleet publishes that
   * node's `port` on a free host port and gives this node its `host:port` (`env`) and the named secrets of
   * the run. With no node of that role in the fleet (`--role`), the node runs without it.
   */
  readonly needs?: { readonly role: string; readonly port: number; readonly secrets: readonly string[]; env(address: string): Record<string, string> };
  /** The deployment's settings for nodes of this kind in the reference fleet (env the entrypoint reads). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * A node of another role this one talks to over the fleet's own network (node C reads node B's VPN state
   * and enrols its simulated clients on B's API): the fleet names that node by its node name (a network
   * alias) in `env`. Both start side by side; this node must cope with the other not answering yet. With
   * no node of that role in the fleet (`--role`), the node runs alone.
   */
  readonly reads?: { readonly role: string; env(host: string): Record<string, string> };
  /** Once every node is ready, on a node that `reads` another: what makes the pair usable before the run (node C seeds B's principals and reconciles). */
  settle?(exec: (command: string[]) => Promise<{ exitCode: number; output: string }>): Promise<void>;
  /** Container settings beyond the fleet's (tmpfs, capabilities, devices). */
  configure?(container: GenericContainer): GenericContainer;
  /** The node's profile as it sees itself: its own ports on loopback, pinned to its hostname. */
  profile(node: string): ProfileInput;
}

const DOCKER_SOCKET = '/var/run/docker.sock';

export const CONTROL_PLANE: NodeKind = {
  role: NODE_B_ROLE,
  image: 'nodeB',
  readyLog: '[node-b] ready',
  // The service token is the profile's too: the lifecycle criteria act on instances with it, as the deployment's own services do.
  secrets: ['ARENA_DB_PASSWORD', 'ARENA_REDIS_PASSWORD', 'ARENA_SERVICE_TOKEN'],
  // The bootstrap admin's password and the token node C reads B's VPN state with (reference/README.md).
  nodeSecrets: ['ARENA_SESSION_SECRET', 'ARENA_ADMIN_PASSWORD', 'ARENA_VPN_STATE_TOKEN'],
  // Instances are sibling containers: the host's Docker socket, and node A's registry as the host reaches it.
  needs: { role: NODE_A_ROLE, port: NODE_A_PORTS.registry, secrets: ['ARENA_REGISTRY_PASSWORD'], env: (address) => ({ ARENA_REGISTRY: address }) },
  environment: NODE_B_SETTINGS,
  configure: (container) => container.withTmpFs({ '/var/lib/arena': 'rw,size=64m' })
    .withBindMounts([{ source: DOCKER_SOCKET, target: DOCKER_SOCKET }]),
  profile: (node) => nodeBProfile({ node, transport: { kind: 'local' }, host: '127.0.0.1', ports: { ...NODE_B_PORTS }, match: { hostname: node } }),
};

export const REGISTRY: NodeKind = {
  role: NODE_A_ROLE,
  image: 'nodeA',
  readyLog: '[node-a] ready',
  secrets: ['ARENA_REGISTRY_PASSWORD'],
  // The registry's storage: a size of its own, so disk headroom is the registry's, not the host's.
  configure: (container) => container.withTmpFs({ '/var/lib/docker-registry': 'rw,size=64m' }),
  profile: (node) => nodeAProfile({ node, transport: { kind: 'local' }, host: '127.0.0.1', ports: { ...NODE_A_PORTS }, match: { hostname: node } }),
};

/** Host settings testcontainers has no builder method for; its own subclasses set them the same way. */
class HostSettings extends GenericContainer {
  static apply(container: GenericContainer, settings: { devices?: readonly string[]; sysctls?: Record<string, string> }): GenericContainer {
    const host = (container as HostSettings).hostConfig;
    host.Devices = [...(host.Devices ?? []), ...(settings.devices ?? []).map((path) => ({ PathOnHost: path, PathInContainer: path, CgroupPermissions: 'rwm' }))];
    host.Sysctls = { ...host.Sysctls, ...settings.sysctls };
    return container;
  }

  /** testcontainers publishes on every interface; this node's port is for the host itself. */
  static onLoopback(container: GenericContainer, port: number, hostPort: number): GenericContainer {
    container.withExposedPorts({ container: port, host: hostPort });
    (container as HostSettings).hostConfig.PortBindings![`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }];
    return container;
  }
}

/** Publish a node's `port` at `hostPort` on the host's loopback only (what another node `needs` through the host). */
export const publishOnLoopback = (container: GenericContainer, port: number, hostPort: number): GenericContainer => HostSettings.onLoopback(container, port, hostPort);

/**
 * Node C beside node B: B gets the reference principals (teams red and blue, solo dave; public keys only)
 * and C reconciles with them, so `vpn test` has teams to probe from the gate's first run.
 */
async function seedVpnFromB(exec: (command: string[]) => Promise<{ exitCode: number; output: string }>): Promise<void> {
  const seeded = await exec(['arena', 'vpn', 'seed', '--json']);
  if (seeded.exitCode !== 0) throw new Error(`node C could not seed node B's principals: ${seeded.output.trim()}`);
  // A fault switch on C may make this fail: the gate judges that; the fleet starts all the same.
  await exec(['arena', 'vpn', 'reconcile', '--json']);
}

export const VPN: NodeKind = {
  role: NODE_C_ROLE,
  image: 'nodeC',
  readyLog: '[node-c] ready',
  secrets: [],
  // The token node B's GET /api/vpn/state asks for (B lists it too: one value for both).
  nodeSecrets: ['ARENA_VPN_STATE_TOKEN'],
  // B's state and API at B's node name; C is ready before B answers, its reconciler retries every few seconds.
  reads: { role: NODE_B_ROLE, env: (host) => ({ ARENA_VPN_STATE: `http://${host}:${NODE_B_PORTS.http}/api/vpn/state`, ARENA_API_URL: `http://${host}:${NODE_B_PORTS.http}` }) },
  settle: seedVpnFromB,
  // wireguard-go needs the tun device and NET_ADMIN; `arena vpn test` puts its probes in network
  // namespaces (SYS_ADMIN); the node forwards between wg0 and the instance uplink.
  configure: (container) => HostSettings.apply(
    container.withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN').withTmpFs({ '/var/lib/arena': 'rw,size=32m' }),
    // Each refused packet gets its admin-prohibited answer, also when every client tries every team at once:
    // the kernel's defaults (6 ICMP errors per peer then one a second; 50 per node then 1000 a second) turn
    // most of a 50-client matrix's refusals into timeouts (measured: 800 of 3000).
    { devices: ['/dev/net/tun'], sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.icmp_ratelimit': '0', 'net.ipv4.icmp_msgs_per_sec': '100000', 'net.ipv4.icmp_msgs_burst': '10000' } },
  ),
  profile: (node) => nodeCProfile({ node, match: { hostname: node } }),
};

/** The kinds of the reference stack's nodes, in the fleet's order. */
export const REFERENCE_KINDS: readonly NodeKind[] = [REGISTRY, CONTROL_PLANE, VPN];

/** The roles of the reference stack's nodes: what `--role` picks among when no profile is given. */
export const REFERENCE_ROLES: readonly string[] = REFERENCE_KINDS.map((kind) => kind.role);
