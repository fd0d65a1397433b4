// Node A's target profile: what a registry node of arena must show before fresh spawns may pull from it.
import type { ProfileInput } from '../../helpers/profile/schema.ts';

export interface NodeAAddress {
  /** How specs run commands there; local when the gate runs on the node. */
  transport: ProfileInput['transport'];
  host: string;
  ports: { registry: number };
  /** The node's name (default arena-a) and, on the node, the hostname its profile pins. */
  node?: string;
  match?: ProfileInput['match'];
}

/** Ports as node A itself listens. */
export const NODE_A_PORTS = { registry: 5000 } as const;

export const NODE_A_ROLE = 'registry';

/** The registry user the node's htpasswd holds; its password is the run's ARENA_REGISTRY_PASSWORD. */
export const NODE_A_REGISTRY_USER = 'ctf';

export function nodeAProfile({ transport, host, ports, node = 'arena-a', match }: NodeAAddress): ProfileInput {
  return {
    node,
    ...(match ? { match } : {}),
    role: NODE_A_ROLE,
    transport,
    config: { validate: ['arena', 'env', 'validate', NODE_A_ROLE, '--json'] },
    // The runbook's first step on A: host, credentials and every expected challenge image.
    checks: [{ name: 'registry', run: ['arena', 'registry', 'check', '--json'] }],
    http: [{
      name: 'registry', url: `https://${host}:${ports.registry}`, health: '/v2/', insecure: true, maxLatencyMs: 500, certMinDaysLeft: 14,
      auth: { user: NODE_A_REGISTRY_USER, password: '${env:ARENA_REGISTRY_PASSWORD}' },
    }],
    binaries: [
      { name: 'docker-registry', minVersion: '2.8' },
      { name: 'openssl', minVersion: '3', versionArgs: ['version'] },
    ],
    headroom: { disk: [{ path: '/var/lib/docker-registry', minFreePercent: 20 }], memory: { minAvailableMiB: 256 } },
  };
}
