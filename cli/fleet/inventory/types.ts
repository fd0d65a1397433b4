// A fleet as the gate sees it: each node's name, role, how the controller reaches it, and its profile.
import { SourceError } from '../../../helpers/validated-yaml.ts';

/** How the controller reaches a node to ship the bundle and run the gate there. */
export type Reach =
  | { kind: 'local' }
  | { kind: 'docker'; container: string }
  | { kind: 'ssh'; host: string; port?: number; user?: string; identityFile?: string; knownHostsFile?: string };

export interface InventoryNode {
  name: string;
  role: string;
  reach: Reach;
  /** Absolute path of the node's profile (given relative to the inventory). */
  profile: string;
  /** `file:line` where the node is declared, for messages. */
  where: string;
}

export interface Inventory {
  file: string;
  format: 'fleetgate' | 'ansible-ini' | 'ansible-yaml';
  nodes: InventoryNode[];
}

/** A mistake in an inventory: file, line, field and what to do (exit 2). */
export class InventoryError extends SourceError {
  override name = 'InventoryError';
}
