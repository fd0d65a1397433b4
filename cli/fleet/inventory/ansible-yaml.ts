// Ansible's YAML inventory: groups with `hosts:`, `vars:` and `children:`, nested under `all:`.
import { isMap } from 'yaml';
import { fieldPath, type YamlSource } from '../../../helpers/validated-yaml.ts';
import { InventoryError } from './types.ts';
import { AnsibleModel, type Vars } from './ansible-groups.ts';

type Node = Record<string, unknown> | null | undefined;
const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);

function mapping(source: YamlSource, value: unknown, path: PropertyKey[], what: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InventoryError(source.file, fieldPath(path), `${what} must be a mapping`, source.lineOf(path));
  }
  return value as Record<string, unknown>;
}

function readGroup(source: YamlSource, model: AnsibleModel, name: string, body: Node, path: PropertyKey[]): void {
  const line = source.lineOf(path) ?? 1;
  const group = model.group(name, line);
  const fields = mapping(source, body, path, `group ${name}`);
  for (const key of Object.keys(fields)) {
    if (!GROUP_KEYS.has(key)) throw new InventoryError(source.file, fieldPath([...path, key]), 'unknown field in a group (hosts, vars, children)', source.lineOf([...path, key]));
  }
  for (const [host, vars] of Object.entries(mapping(source, fields.hosts, [...path, 'hosts'], 'hosts'))) {
    const hostPath = [...path, 'hosts', host];
    model.addHost(name, host, mapping(source, vars, hostPath, `host ${host}`) as Vars, source.lineOf(hostPath) ?? line);
  }
  Object.assign(group.vars, mapping(source, fields.vars, [...path, 'vars'], 'vars'));
  for (const [child, childBody] of Object.entries(mapping(source, fields.children, [...path, 'children'], 'children'))) {
    group.children.add(child);
    readGroup(source, model, child, childBody as Node, [...path, 'children', child]);
  }
}

export function readAnsibleYaml(source: YamlSource): AnsibleModel {
  if (!isMap(source.doc.contents)) throw new InventoryError(source.file, '', 'expected groups (all: …) at the top level');
  const model = new AnsibleModel();
  for (const [name, body] of Object.entries(source.doc.toJS() as Record<string, unknown>)) readGroup(source, model, name, body as Node, [name]);
  return model;
}
