// A node's profile as the fleet controller sees it: validated, matching its inventory entry, and the
// `${env:}` secrets it needs, which the controller resolves and sends over stdin (never a command line).
// `${file:}` references are left alone: they are read on the node, where the file lives.
import { parseProfile, ProfileError } from '../../helpers/profile/load.ts';
import { InventoryError, type InventoryNode } from './inventory/index.ts';

const ENV_REFERENCE = /^\$\{env:([^}]+)\}$/;

function envNames(value: unknown): string[] {
  if (typeof value === 'string') return ENV_REFERENCE.test(value) ? [ENV_REFERENCE.exec(value)![1]!] : [];
  if (Array.isArray(value)) return value.flatMap(envNames);
  if (value && typeof value === 'object') return Object.values(value).flatMap(envNames);
  return [];
}

export interface NodeProfile {
  node: InventoryNode;
  /** NAME → value of every ${env:NAME} the profile uses, from the controller's environment. */
  secrets: Record<string, string>;
}

/** Everything wrong here is the operator's to fix before any node is touched (exit 2). */
export function prepareNodeProfile(node: InventoryNode, env: NodeJS.ProcessEnv = process.env): NodeProfile {
  let profile;
  try {
    profile = parseProfile(node.profile, { tryReferences: false });
  } catch (error) {
    if (error instanceof ProfileError) throw new InventoryError(error.file, error.field, error.reason, error.line);
    throw error;
  }
  const [file, line] = [node.where.slice(0, node.where.lastIndexOf(':')), Number(node.where.slice(node.where.lastIndexOf(':') + 1))];
  if (profile.node !== node.name) {
    throw new InventoryError(file, node.name, `its profile ${node.profile} describes node "${profile.node}": a wrong profile would check the wrong machine`, line);
  }
  if (profile.role !== node.role) {
    throw new InventoryError(file, node.name, `the inventory says role "${node.role}", its profile ${node.profile} says "${profile.role}"`, line);
  }
  const secrets: Record<string, string> = {};
  for (const name of [...new Set(envNames(profile))].sort()) {
    const value = env[name];
    if (!value) throw new InventoryError(node.profile, '', `node ${node.name} needs \${env:${name}}, which is not set where the fleet gate runs`);
    secrets[name] = value;
  }
  return { node, secrets };
}
