// Checks every inventory format shares: names, profile paths, no node twice.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { fieldPath, type YamlSource } from '../../../helpers/validated-yaml.ts';
import { InventoryError, type InventoryNode } from './types.ts';

/** Node and role names: what profiles accept, so one name works in both. */
export const nodeName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'a lower-case name: letters, digits, . _ -' });

/** A profile path relative to the inventory, which must exist. */
export function resolveProfile(source: Pick<YamlSource, 'file' | 'lineOf'>, given: string, path: readonly PropertyKey[]): string {
  const file = resolve(dirname(source.file), given);
  if (!existsSync(file)) throw new InventoryError(source.file, fieldPath(path), `profile ${given} does not exist (paths are relative to the inventory)`, source.lineOf(path));
  return file;
}

/** Two nodes with one name would share one report directory and hide each other. */
export function refuseDuplicates(file: string, nodes: readonly InventoryNode[]): void {
  const seen = new Map<string, InventoryNode>();
  for (const node of nodes) {
    const first = seen.get(node.name);
    if (first) throw new InventoryError(file, '', `node ${node.name} is declared twice (${first.where} and ${node.where})`, Number(node.where.split(':').at(-1)));
    seen.set(node.name, node);
  }
}
