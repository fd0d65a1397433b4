// The reference fleet's fleetgate inventory written as the Ansible inventories an Ansible team keeps:
// INI and YAML, docker nodes over community.docker.docker, the ssh node with its key and pinned host key.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

interface FleetgateNode {
  name: string;
  role: string;
  profile: string;
  transport: { kind: 'docker'; container: string } | { kind: 'ssh'; host: string; port: number; user: string; identityFile: string; knownHostsFile: string };
}

/** Ansible host vars for one node of a fleetgate inventory (profile paths stay relative to the inventory's folder). */
function hostVars(node: FleetgateNode): Record<string, string | number> {
  const t = node.transport;
  const reach: Record<string, string | number> = t.kind === 'docker'
    ? { ansible_connection: 'community.docker.docker', ansible_host: t.container }
    : {
      ansible_host: t.host, ansible_port: t.port, ansible_user: t.user, ansible_ssh_private_key_file: t.identityFile,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${t.knownHostsFile} -o StrictHostKeyChecking=yes`,
    };
  return { ...reach, fleetgate_profile: node.profile };
}

/** Write hosts.ini and hosts.yaml beside the fleetgate inventory; returns their paths. */
export function ansibleInventories(fleetgateInventory: string): { ini: string; yaml: string } {
  const { nodes } = parse(readFileSync(fleetgateInventory, 'utf8')) as { nodes: FleetgateNode[] };
  const dir = dirname(fleetgateInventory);
  const byRole = new Map<string, FleetgateNode[]>();
  for (const node of nodes) byRole.set(node.role, [...(byRole.get(node.role) ?? []), node]);
  const quote = (value: string | number): string => (typeof value === 'string' && /\s/.test(value) ? `'${value}'` : String(value));
  const ini = [...byRole].flatMap(([role, members]) => [
    `[${role}]`,
    ...members.map((n) => [n.name, ...Object.entries(hostVars(n)).map(([k, v]) => `${k}=${quote(v)}`)].join(' ')),
    '',
  ]).join('\n');
  const yaml = { all: { children: Object.fromEntries([...byRole].map(([role, members]) => [role, { hosts: Object.fromEntries(members.map((n) => [n.name, hostVars(n)])) }])) } };
  const files = { ini: join(dir, 'hosts.ini'), yaml: join(dir, 'hosts.yaml') };
  writeFileSync(files.ini, `# the reference fleet as an Ansible INI inventory\n${ini}`);
  writeFileSync(files.yaml, `# the reference fleet as an Ansible YAML inventory\n${stringify(yaml)}`);
  return files;
}
