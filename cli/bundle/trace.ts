// Which files the gate really loads, computed by node-file-trace from the gate's entry points instead of
// a hand-kept prune list: everything else in node_modules (testcontainers, gRPC, TypeScript…) stays out.
import { readFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import { nodeFileTrace } from '@vercel/nft';

/** What the bundle's node_modules holds, and what nft could not follow (for the builder's log). */
export interface Trace {
  /** Paths relative to the root, sorted. */
  files: string[];
  /** What nft could not follow (unresolvable optional requires of other platforms, mostly). */
  warnings: string[];
}

/** nft parses with acorn, which knows no TypeScript: hand it our .ts files with the types erased. */
async function readForTrace(path: string): Promise<string | Buffer | null> {
  try {
    const content = await readFile(path);
    if (!path.endsWith('.ts') || path.includes('/node_modules/')) return content;
    return stripTypeScriptTypes(content.toString('utf8'), { mode: 'strip' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw error;
  }
}

/** Every file reachable from the entries, minus `ignore`d files and all they alone would pull in. */
export async function traceFiles(root: string, entries: readonly string[], ignore: readonly string[] = []): Promise<Trace> {
  const result = await nodeFileTrace(entries.map((e) => `${root}/${e}`), {
    base: root,
    processCwd: root,
    // Not 'import' or 'require': nft picks the one that fits each importer (a require() gets a package's CommonJS export).
    conditions: ['node', 'module-sync', 'default'],
    readFile: readForTrace,
    ts: true,
    mixedModules: true,
    // A name ending in / stands for everything under it.
    ignore: (path: string) => ignore.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry)),
  });
  return {
    files: [...result.fileList].sort(),
    warnings: [...result.warnings].map((w) => w.message.split('\n')[0]!),
  };
}
