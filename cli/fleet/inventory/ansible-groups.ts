// Ansible's inventory model, whatever file it came from: groups of hosts with variables, groups inside
// groups. Groups are roles; host variables tell how to reach a host and where its profile is.
import { nodeName } from './node-checks.ts';
import { InventoryError, type InventoryNode, type Reach } from './types.ts';

export type Vars = Record<string, unknown>;

export interface AnsibleHost {
  vars: Vars;
  line: number;
}

export interface AnsibleGroup {
  name: string;
  line: number;
  hosts: Map<string, AnsibleHost>;
  children: Set<string>;
  vars: Vars;
}

export class AnsibleModel {
  readonly groups = new Map<string, AnsibleGroup>();

  group(name: string, line: number): AnsibleGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, line, hosts: new Map(), children: new Set(), vars: {} };
      this.groups.set(name, group);
    }
    return group;
  }

  addHost(groupName: string, host: string, vars: Vars, line: number): void {
    const group = this.group(groupName, line);
    const known = group.hosts.get(host);
    group.hosts.set(host, { vars: { ...known?.vars, ...vars }, line: known?.line ?? line });
  }
}

/** Shell-like words: spaces separate, quotes group, as Ansible's shlex split does (INI host lines, ssh args). */
export function words(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (any || current) out.push(current);
      current = '';
      any = false;
    } else {
      current += ch;
    }
  }
  if (quote) throw new Error(`unclosed ${quote}`);
  if (any || current) out.push(current);
  return out;
}

const META_GROUPS = new Set(['all', 'ungrouped']);
const SSH_CONNECTIONS = new Set(['ssh', 'smart', 'paramiko', 'ansible.builtin.ssh']);
const DOCKER_CONNECTIONS = new Set(['docker', 'community.docker.docker']);

/** Depth of each group below `all` (Ansible applies shallow groups' vars first, deep ones last). */
function depths(model: AnsibleModel): Map<string, number> {
  const depth = new Map<string, number>([['all', 0]]);
  const parents = new Map<string, string[]>();
  for (const group of model.groups.values()) for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), group.name]);
  const of = (name: string, seen: Set<string>): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (seen.has(name)) return 1; // a cycle: Ansible refuses it too; keep going rather than loop
    seen.add(name);
    const up = (parents.get(name) ?? []).filter((p) => p !== 'all');
    const d = up.length ? Math.max(...up.map((p) => of(p, seen))) + 1 : 1;
    depth.set(name, d);
    return d;
  };
  for (const name of model.groups.keys()) of(name, new Set());
  return depth;
}

/** Every group a group belongs to, itself included. */
function ancestors(model: AnsibleModel, name: string): Set<string> {
  const found = new Set<string>([name, 'all']);
  let grew = true;
  while (grew) {
    grew = false;
    for (const group of model.groups.values()) {
      if (found.has(group.name)) continue;
      if ([...group.children].some((c) => found.has(c))) {
        found.add(group.name);
        grew = true;
      }
    }
  }
  return found;
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** `-o UserKnownHostsFile=PATH` (or `-oUserKnownHostsFile=PATH`) in ansible_ssh_common_args: the host keys Ansible pins. */
function knownHostsOf(file: string, host: string, args: string | undefined, line: number): string | undefined {
  if (!args) return undefined;
  let parts: string[];
  try {
    parts = words(args);
  } catch (error) {
    throw new InventoryError(file, `${host}.ansible_ssh_common_args`, `${(error as Error).message} in "${args}"`, line);
  }
  let found: string | undefined;
  parts.forEach((part, i) => {
    const option = part === '-o' ? parts[i + 1] : part.startsWith('-o') ? part.slice(2) : undefined;
    const m = option ? /^UserKnownHostsFile[=\s]\s*(\S.*)$/i.exec(option) : null;
    if (m) found = m[1]!.trim();
  });
  return found;
}

function reachOf(file: string, host: string, vars: Vars, line: number): Reach {
  const connection = text(vars.ansible_connection) ?? 'ssh';
  const address = text(vars.ansible_host) ?? host;
  if (connection === 'local') return { kind: 'local' };
  if (DOCKER_CONNECTIONS.has(connection)) return { kind: 'docker', container: address };
  if (!SSH_CONNECTIONS.has(connection)) {
    throw new InventoryError(file, `${host}.ansible_connection`, `"${connection}" is not a connection fleetgate can use (ssh, docker, community.docker.docker, local)`, line);
  }
  const port = text(vars.ansible_port);
  if (port !== undefined && !/^\d+$/.test(port)) throw new InventoryError(file, `${host}.ansible_port`, `"${port}" is not a port number`, line);
  const user = text(vars.ansible_user) ?? text(vars.ansible_ssh_user);
  const identityFile = text(vars.ansible_ssh_private_key_file);
  const knownHostsFile = knownHostsOf(file, host, text(vars.ansible_ssh_common_args), line);
  return {
    kind: 'ssh', host: address, ...(port ? { port: Number(port) } : {}), ...(user ? { user } : {}), ...(identityFile ? { identityFile } : {}),
    ...(knownHostsFile ? { knownHostsFile } : {}),
  };
}

/**
 * Hosts → nodes. A host's role is `fleetgate_role`, else the one group that lists it directly; its
 * profile is `fleetgate_profile`, relative to the inventory.
 */
export function nodesOf(file: string, model: AnsibleModel, resolveProfile: (given: string, host: string, line: number) => string): InventoryNode[] {
  const depth = depths(model);
  const hosts = new Map<string, { line: number; direct: string[] }>();
  for (const group of model.groups.values()) {
    for (const [host, { line }] of group.hosts) {
      const entry = hosts.get(host) ?? { line, direct: [] };
      entry.direct.push(group.name);
      entry.line = Math.min(entry.line, line);
      hosts.set(host, entry);
    }
  }
  const nodes: InventoryNode[] = [];
  for (const [host, { line, direct }] of hosts) {
    const member = new Set(direct.flatMap((g) => [...ancestors(model, g)]));
    const groups = [...member].filter((g) => model.groups.has(g)).sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
    const vars: Vars = {};
    for (const g of groups) Object.assign(vars, model.groups.get(g)!.vars);
    for (const g of direct) Object.assign(vars, model.groups.get(g)!.hosts.get(host)!.vars);
    const roles = direct.filter((g) => !META_GROUPS.has(g));
    const role = text(vars.fleetgate_role) ?? (roles.length === 1 ? roles[0] : undefined);
    if (!role) {
      const why = roles.length ? `is in groups ${roles.join(', ')}` : 'is in no group';
      throw new InventoryError(file, host, `${why}: a group is a role, so list it under one group or set fleetgate_role`, line);
    }
    const checked = nodeName.safeParse(role);
    if (!checked.success) throw new InventoryError(file, host, `role "${role}" is not ${checked.error.issues[0]!.message}`, line);
    const profile = text(vars.fleetgate_profile);
    if (!profile) throw new InventoryError(file, host, 'fleetgate_profile is not set: the path of its profile, relative to the inventory', line);
    nodes.push({ name: host, role, reach: reachOf(file, host, vars, line), profile: resolveProfile(profile, host, line), where: `${file}:${line}` });
  }
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}
