// fleetgate's own inventory format: a list of nodes, each with role, transport and profile.
import { z } from 'zod';
import { expectMapping, type YamlSource, validateYaml } from '../../../helpers/validated-yaml.ts';
import type { InventoryNode, Reach } from './types.ts';
import { nodeName, resolveProfile } from './node-checks.ts';

const reach = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local') }),
  z.strictObject({ kind: z.literal('docker'), container: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('ssh'), host: z.string().min(1), port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(), identityFile: z.string().min(1).optional(),
    /** Trust exactly these host keys (StrictHostKeyChecking=yes), instead of ~/.ssh/known_hosts. */
    knownHostsFile: z.string().min(1).optional(),
  }),
]);

const schema = z.strictObject({
  nodes: z.array(z.strictObject({
    name: nodeName,
    role: nodeName,
    transport: reach,
    profile: z.string().min(1),
  })).min(1),
});

/** `nodes: [{ name, role, transport: { kind: ssh|docker|local, … }, profile }]` */
export function readFleetgateInventory(source: YamlSource): InventoryNode[] {
  expectMapping(source, 'nodes:');
  const { nodes } = validateYaml(source, schema);
  return nodes.map((node, i) => ({
    name: node.name,
    role: node.role,
    reach: node.transport as Reach,
    profile: resolveProfile(source, node.profile, ['nodes', i, 'profile']),
    where: `${source.file}:${source.lineOf(['nodes', i]) ?? 1}`,
  }));
}
