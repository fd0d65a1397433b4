// `--inventory FILE`: fleetgate YAML (`nodes:`), an Ansible YAML inventory (`all:`) or an Ansible INI one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readYaml, SourceError } from '../../../helpers/validated-yaml.ts';
import { InventoryError, type Inventory, type InventoryNode } from './types.ts';
import { readFleetgateInventory } from './fleetgate-yaml.ts';
import { readAnsibleYaml } from './ansible-yaml.ts';
import { readAnsibleIni } from './ansible-ini.ts';
import { nodesOf } from './ansible-groups.ts';
import { refuseDuplicates, resolveProfile } from './node-checks.ts';
import { didYouMean } from '../../../helpers/did-you-mean.ts';

export { InventoryError, type Inventory, type InventoryNode, type Reach } from './types.ts';

/** INI when it looks like INI: a `[section]` line, or `host key=value` lines YAML cannot read as a mapping. */
function looksLikeIni(text: string): boolean {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !l.startsWith(';'));
  return first === undefined || first.startsWith('[') || !/^[^\s:]+:(\s|$)/.test(first);
}

function read(file: string, text: string): Inventory {
  const lineOfIni = (line: number) => () => line;
  if (looksLikeIni(text)) {
    const model = readAnsibleIni(file, text);
    const nodes = nodesOf(file, model, (given, host, line) => resolveProfile({ file, lineOf: lineOfIni(line) }, given, [host, 'fleetgate_profile']));
    return { file, format: 'ansible-ini', nodes };
  }
  const source = readYaml(file, 'inventory', text);
  const top = source.doc.toJS() as Record<string, unknown> | null;
  if (top && typeof top === 'object' && 'nodes' in top) return { file, format: 'fleetgate', nodes: readFleetgateInventory(source) };
  const model = readAnsibleYaml(source);
  const nodes = nodesOf(file, model, (given, host) => {
    const path = Object.keys(top ?? {}).length ? findHostPath(top, host) : [];
    return resolveProfile(source, given, [...path, 'fleetgate_profile']);
  });
  return { file, format: 'ansible-yaml', nodes };
}

/** Where a host's vars sit in an Ansible YAML document (its first mention). */
function findHostPath(node: unknown, host: string, path: PropertyKey[] = []): PropertyKey[] {
  if (!node || typeof node !== 'object') return [];
  const group = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(group)) {
    const body = value as Record<string, unknown> | null;
    if (body && typeof body === 'object') {
      if (body.hosts && typeof body.hosts === 'object' && host in (body.hosts as object)) return [...path, key, 'hosts', host];
      const inside = findHostPath(body.children, host, [...path, key, 'children']);
      if (inside.length) return inside;
    }
  }
  return [];
}

/** Read any supported inventory; every mistake is an InventoryError with file:line. */
export function loadInventory(path: string, select: { roles?: readonly string[]; nodes?: readonly string[] } = {}): Inventory {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InventoryError(path, '', `cannot read the inventory (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let inventory: Inventory;
  try {
    inventory = read(file, text);
  } catch (error) {
    if (error instanceof SourceError && !(error instanceof InventoryError)) throw new InventoryError(error.file, error.field, error.reason, error.line);
    throw error;
  }
  if (!inventory.nodes.length) throw new InventoryError(path, '', 'no nodes in the inventory');
  refuseDuplicates(file, inventory.nodes);
  return { ...inventory, nodes: selectNodes(path, inventory.nodes, select) };
}

/** --role / --node narrow the fleet; a name that matches nothing is a mistake, not an empty run. */
function selectNodes(file: string, nodes: InventoryNode[], { roles, nodes: names }: { roles?: readonly string[]; nodes?: readonly string[] }): InventoryNode[] {
  const refuse = (flag: string, wanted: string, known: string[]): never => {
    const hint = didYouMean(wanted, known);
    throw new InventoryError(file, '', `${flag} ${wanted}: not in the inventory${hint ? `; did you mean "${hint}"?` : ''} (${flag.slice(2)}s: ${known.join(', ')})`);
  };
  const knownRoles = [...new Set(nodes.map((n) => n.role))];
  for (const role of roles ?? []) if (!knownRoles.includes(role)) refuse('--role', role, knownRoles);
  for (const name of names ?? []) if (!nodes.some((n) => n.name === name)) refuse('--node', name, nodes.map((n) => n.name));
  return nodes.filter((n) => (!roles?.length || roles.includes(n.role)) && (!names?.length || names.includes(n.name)));
}
