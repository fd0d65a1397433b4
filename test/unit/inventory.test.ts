import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InventoryError, loadInventory } from '../../cli/fleet/inventory/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetgate-inventory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'profiles'));
for (const name of ['b1', 'b2', 'b3', 'v1']) writeFileSync(join(dir, 'profiles', `${name}.yaml`), `node: ${name}\n`);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(path: string, select = {}): string {
  try {
    loadInventory(path, select);
  } catch (error) {
    if (error instanceof InventoryError) return error.message;
    throw error;
  }
  throw new Error('expected an InventoryError');
}

const FLEETGATE = `nodes:
  - { name: b1, role: control-plane, transport: { kind: ssh, host: 10.0.0.2, port: 2222, user: ops }, profile: profiles/b1.yaml }
  - { name: b2, role: control-plane, transport: { kind: docker, container: arena-b2 }, profile: profiles/b2.yaml }
  - { name: b3, role: control-plane, transport: { kind: local }, profile: profiles/b3.yaml }
  - { name: v1, role: vpn, transport: { kind: ssh, host: v1.example }, profile: profiles/v1.yaml }
`;

const INI = `# the same fleet, as an Ansible team keeps it
[control-plane]
b1 ansible_host=10.0.0.2 fleetgate_profile=profiles/b1.yaml
b2 ansible_connection=community.docker.docker ansible_host=arena-b2 fleetgate_profile=profiles/b2.yaml
b3 ansible_connection=local fleetgate_profile=profiles/b3.yaml

[vpn]
v1.example fleetgate_role=vpn fleetgate_profile="profiles/v1.yaml"

[control-plane:vars]
ansible_port=2222
ansible_user=ops

[site:children]
control-plane
vpn
`;

const YAML = `all:
  vars:
    ansible_user: ops
  children:
    control-plane:
      vars: { ansible_port: 2222 }
      hosts:
        b1: { ansible_host: 10.0.0.2, fleetgate_profile: profiles/b1.yaml }
        b2: { ansible_connection: docker, ansible_host: arena-b2, fleetgate_profile: profiles/b2.yaml }
        b3: { ansible_connection: local, fleetgate_profile: profiles/b3.yaml }
    vpn:
      hosts:
        v1.example: { fleetgate_profile: profiles/v1.yaml, ansible_user: null }
`;

describe('one fleet, three inventory formats', () => {
  const expected = (v1: string, v1User?: string) => [
    { name: 'b1', role: 'control-plane', reach: { kind: 'ssh', host: '10.0.0.2', port: 2222, user: 'ops' }, profile: join(dir, 'profiles/b1.yaml') },
    { name: 'b2', role: 'control-plane', reach: { kind: 'docker', container: 'arena-b2' }, profile: join(dir, 'profiles/b2.yaml') },
    { name: 'b3', role: 'control-plane', reach: { kind: 'local' }, profile: join(dir, 'profiles/b3.yaml') },
    { name: v1, role: 'vpn', reach: { kind: 'ssh', host: 'v1.example', ...(v1User ? { user: v1User } : {}) }, profile: join(dir, 'profiles/v1.yaml') },
  ];
  const strip = (path: string) => loadInventory(path).nodes.map(({ where: _where, ...node }) => node);

  test('fleetgate YAML', () => {
    expect(loadInventory(file('fleet.yaml', FLEETGATE)).format).toBe('fleetgate');
    expect(strip(join(dir, 'fleet.yaml'))).toEqual(expected('v1'));
  });

  test('Ansible INI: groups are roles, group vars and host vars merge, host:port and ranges expand', () => {
    expect(loadInventory(file('hosts.ini', INI)).format).toBe('ansible-ini');
    expect(strip(join(dir, 'hosts.ini'))).toEqual(expected('v1.example'));
  });

  test('Ansible YAML: nested groups, vars inherited from all, host vars win', () => {
    expect(loadInventory(file('hosts.yaml', YAML)).format).toBe('ansible-yaml');
    expect(strip(join(dir, 'hosts.yaml'))).toEqual(expected('v1.example'));
  });

  test('each node says where it was declared', () => {
    expect(loadInventory(join(dir, 'hosts.ini')).nodes.find((n) => n.name === 'b2')!.where).toBe(`${join(dir, 'hosts.ini')}:4`);
  });

  test('INI short forms: host:port, numeric ranges', () => {
    const nodes = loadInventory(file('ranges.ini', '[control-plane]\nb[1:3]:2200 fleetgate_profile=profiles/b1.yaml\n')).nodes;
    expect(nodes.map((n) => [n.name, n.reach])).toEqual([1, 2, 3].map((i) => [`b${i}`, { kind: 'ssh', host: `b${i}`, port: 2200 }]));
  });

  test('a known_hosts file in ansible_ssh_common_args (-o UserKnownHostsFile=PATH) pins the ssh node\'s host key', () => {
    const ini = file('known-hosts.ini', [
      '[control-plane]',
      `b1 ansible_host=127.0.0.1 ansible_port=2201 ansible_user=root ansible_ssh_private_key_file=/keys/client ansible_ssh_common_args='-o UserKnownHostsFile=/keys/known_hosts -o StrictHostKeyChecking=yes' fleetgate_profile=profiles/b1.yaml`,
      'b2 ansible_host=10.0.0.3 fleetgate_profile=profiles/b2.yaml ansible_ssh_common_args="-oUserKnownHostsFile=\'/keys/with space\'"',
      'b3 ansible_host=10.0.0.4 fleetgate_profile=profiles/b3.yaml ansible_ssh_common_args="-o ConnectTimeout=5"',
    ].join('\n'));
    expect(loadInventory(ini).nodes.map((n) => n.reach)).toEqual([
      { kind: 'ssh', host: '127.0.0.1', port: 2201, user: 'root', identityFile: '/keys/client', knownHostsFile: '/keys/known_hosts' },
      { kind: 'ssh', host: '10.0.0.3', knownHostsFile: '/keys/with space' },
      { kind: 'ssh', host: '10.0.0.4' },
    ]);
    const yaml = file('known-hosts.yaml', [
      'all:',
      '  children:',
      '    control-plane:',
      "      vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/keys/known_hosts' }",
      '      hosts:',
      '        b1: { ansible_host: 127.0.0.1, ansible_port: 2201, fleetgate_profile: profiles/b1.yaml }',
    ].join('\n'));
    expect(loadInventory(yaml).nodes[0]!.reach).toEqual({ kind: 'ssh', host: '127.0.0.1', port: 2201, knownHostsFile: '/keys/known_hosts' });
  });

  test('--role and --node narrow the fleet', () => {
    expect(loadInventory(join(dir, 'fleet.yaml'), { roles: ['vpn'] }).nodes.map((n) => n.name)).toEqual(['v1']);
    expect(loadInventory(join(dir, 'fleet.yaml'), { nodes: ['b1', 'b3'] }).nodes.map((n) => n.name)).toEqual(['b1', 'b3']);
  });
});

describe('a bad inventory names file, line and field', () => {
  test.for([
    ['no profile', '[lb]\nlb1 ansible_host=10.0.0.9\n', /no-profile.ini:2: lb1: fleetgate_profile is not set/],
    ['missing profile file', '[lb]\nlb1 fleetgate_profile=profiles/nope.yaml\n', /missing-profile-file.ini:2: lb1.fleetgate_profile: profile profiles\/nope.yaml does not exist/],
    ['two roles', '[lb]\nx1 fleetgate_profile=profiles/b1.yaml\n[web]\nx1\n', /two-roles.ini:2: x1: is in groups lb, web: a group is a role/],
    ['ungrouped', 'x1 fleetgate_profile=profiles/b1.yaml\n', /ungrouped.ini:1: x1: is in no group/],
    ['bad connection', '[lb]\nx1 ansible_connection=winrm fleetgate_profile=profiles/b1.yaml\n', /bad-connection.ini:2: x1.ansible_connection: "winrm" is not a connection fleetgate can use/],
    ['unclosed quote', '[lb]\nx1 fleetgate_profile="profiles/b1.yaml\n', /unclosed-quote.ini:2: \[lb\]: unclosed "/],
    ['bad vars line', '[lb:vars]\njust-a-word\n', /bad-vars-line.ini:2: \[lb:vars\]: "just-a-word" is not key=value/],
  ])('INI: %s', ([name, text, message]) => {
    expect(failure(file(`${(name as string).replace(/ /g, '-')}.ini`, text as string))).toMatch(message as RegExp);
  });

  test.for([
    ['misspelt field', FLEETGATE.replace('transport: { kind: local }', 'transprt: { kind: local }'), /misspelt-field.yaml:4: nodes\[2\]\.transprt: unknown field; did you mean "transport"\?/],
    ['bad transport', FLEETGATE.replace('kind: local', 'kind: telnet'), /bad-transport.yaml:4: nodes\[2\]\.transport\.kind: /],
    ['duplicate node', `${FLEETGATE}  - { name: b1, role: vpn, transport: { kind: local }, profile: profiles/b1.yaml }\n`, /duplicate-node.yaml:6: node b1 is declared twice \(.*:2 and .*:6\)/],
    ['profile path', FLEETGATE.replace('profiles/b3.yaml', 'profiles/b9.yaml'), /profile-path.yaml:4: nodes\[2\]\.profile: profile profiles\/b9.yaml does not exist/],
  ])('fleetgate YAML: %s', ([name, text, message]) => {
    expect(failure(file(`${(name as string).replace(/ /g, '-')}.yaml`, text as string))).toMatch(message as RegExp);
  });

  test('Ansible YAML: an unknown key in a group names its line', () => {
    expect(failure(file('bad-group.yaml', 'all:\n  children:\n    lb:\n      host:\n        lb1: {}\n'))).toMatch(/bad-group.yaml:4: all.children.lb.host: unknown field in a group/);
  });

  test('a --role or --node that matches nothing gets the closest name', () => {
    expect(failure(join(dir, 'fleet.yaml'), { roles: ['control-plan'] })).toMatch(/--role control-plan: not in the inventory; did you mean "control-plane"\?/);
    expect(failure(join(dir, 'fleet.yaml'), { nodes: ['b4'] })).toMatch(/--node b4: not in the inventory; did you mean "b1"\?/);
  });
});
