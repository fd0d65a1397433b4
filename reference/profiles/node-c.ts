// Node C's target profile: what a vpn node of arena must show before it takes traffic. The gate runs on
// the node, so everything is local: its config check, its tools, its headroom, and its own VPN check
// (peers, routes and rules match B's state; real traffic from a probe per team reaches only its subnet).
import type { ProfileInput } from '../../helpers/profile/schema.ts';

export const NODE_C_ROLE = 'vpn';

export function nodeCProfile({ node = 'arena-c', match }: { node?: string; match?: ProfileInput['match'] } = {}): ProfileInput {
  return {
    node,
    ...(match ? { match } : {}),
    role: NODE_C_ROLE,
    transport: { kind: 'local' },
    config: { validate: ['arena', 'env', 'validate', 'vpn', '--json'] },
    checks: [{ name: 'vpn-forwarding', run: ['arena', 'vpn', 'test', '--json'] }],
    binaries: [
      { name: 'wg', minVersion: '1.0' },
      { name: 'wireguard-go' },
      { name: 'nft', minVersion: '1.0' },
      { name: 'ip', versionArgs: ['-V'] },
    ],
    headroom: { disk: [{ path: '/var/lib/arena', minFreePercent: 20 }], memory: { minAvailableMiB: 256 } },
  };
}
