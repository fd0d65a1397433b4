// What each kind of reference node needs to run in a fleet: its image, when it is ready, the secrets made
// for the run, any container settings, and its profile as the node sees itself (the gate runs there). A
// new node kind of arena is one entry here plus its folder under reference/; fleet.ts stays generic.
import type { GenericContainer } from 'testcontainers';
import type { ProfileInput } from '../helpers/profile/schema.ts';
import type { ReferenceImages } from './images/build.ts';
import { nodeAProfile, NODE_A_PORTS, NODE_A_ROLE } from './profiles/node-a.ts';
import { nodeBProfile, NODE_B_PORTS, NODE_B_ROLE } from './profiles/node-b.ts';

export interface NodeKind {
  /** What the node does; a mutant of this role is switched on in a node of this kind. */
  readonly role: string;
  readonly image: keyof ReferenceImages;
  /** The line the node's entrypoint logs once it serves. */
  readonly readyLog: string;
  /** Env names the node and its profile share (`${env:NAME}`): fresh values per run, exported to the controller. */
  readonly secrets: readonly string[];
  /** Env names only the node gets (fresh values per run), never the gate's environment. */
  readonly nodeSecrets?: readonly string[];
  /** Container settings beyond the fleet's (tmpfs, capabilities, devices). */
  configure?(container: GenericContainer): GenericContainer;
  /** The node's profile as it sees itself: its own ports on loopback, pinned to its hostname. */
  profile(node: string): ProfileInput;
}

export const CONTROL_PLANE: NodeKind = {
  role: NODE_B_ROLE,
  image: 'nodeB',
  readyLog: '[node-b] ready',
  secrets: ['ARENA_DB_PASSWORD', 'ARENA_REDIS_PASSWORD'],
  nodeSecrets: ['ARENA_SESSION_SECRET'],
  configure: (container) => container.withTmpFs({ '/var/lib/arena': 'rw,size=64m' }),
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
