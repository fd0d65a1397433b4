// Ansible's INI inventory: `[group]` host lines with `key=value` vars, `[group:vars]`, `[group:children]`.
// Hand-read rather than with an INI parser: host lines are shell-quoted words, not INI key=value pairs.
import { InventoryError } from './types.ts';
import { AnsibleModel, words, type Vars } from './ansible-groups.ts';

/** `web[01:03]` → web01, web02, web03 (numeric ranges, as Ansible expands them). */
function expandHost(pattern: string): string[] {
  const m = /^(.*)\[(\d+):(\d+)\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head, from, to, tail] = m as unknown as [string, string, string, string, string];
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  const hosts: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) hosts.push(...expandHost(`${head}${String(n).padStart(width, '0')}${tail}`));
  return hosts;
}

function value(raw: string): unknown {
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export function readAnsibleIni(file: string, text: string): AnsibleModel {
  const model = new AnsibleModel();
  let section = { group: 'ungrouped', kind: 'hosts' as 'hosts' | 'vars' | 'children' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(trimmed);
    if (header) {
      section = { group: header[1]!.trim(), kind: (header[2] as 'vars' | 'children' | undefined) ?? 'hosts' };
      model.group(section.group, line);
      return;
    }
    if (trimmed.startsWith('[')) throw new InventoryError(file, '', `"${trimmed}" is not a section header ([group], [group:vars] or [group:children])`, line);
    if (section.kind === 'children') {
      model.group(trimmed, line);
      model.group(section.group, line).children.add(trimmed);
      return;
    }
    if (section.kind === 'vars') {
      const at = trimmed.indexOf('=');
      if (at < 1) throw new InventoryError(file, `[${section.group}:vars]`, `"${trimmed}" is not key=value`, line);
      model.group(section.group, line).vars[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim().replace(/^(['"])(.*)\1$/, '$2');
      return;
    }
    let parts: string[];
    try {
      parts = words(trimmed.replace(/\s+#.*$/, ''));
    } catch (error) {
      throw new InventoryError(file, `[${section.group}]`, `${(error as Error).message} in "${trimmed}"`, line);
    }
    const [hostPart = '', ...assignments] = parts;
    const vars: Vars = {};
    for (const assignment of assignments) {
      const at = assignment.indexOf('=');
      if (at < 1) throw new InventoryError(file, hostPart, `"${assignment}" is not key=value`, line);
      vars[assignment.slice(0, at)] = value(assignment.slice(at + 1));
    }
    // `host:2222` is Ansible's short form of ansible_port.
    const port = /^(.+):(\d+)$/.exec(hostPart);
    if (port) vars.ansible_port ??= Number(port[2]);
    for (const host of expandHost(port ? port[1]! : hostPart)) model.addHost(section.group, host, vars, line);
  });
  return model;
}
