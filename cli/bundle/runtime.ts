// The Node runtime the bundle carries: the real binary the `node` devDependency installed from the npm
// registry's node-<platform>-<arch> package (node_modules/.bin/node is only a link to it).
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../exit-codes.ts';

/** The binary to ship and the facts the bundle's name and manifest need. */
export interface Runtime {
  /** Absolute path of the node binary. */
  binary: string;
  version: string;
  platform: string;
  arch: string;
}

/** The oldest runtime the gate supports (DESIGN.md: Node 24 LTS). */
const MIN_MAJOR = 24;

/**
 * node/bin/node is a hard link to node-<platform>-<arch>/bin/node, which the package's install script puts
 * in node/node_modules — and a later `npm install` may prune as extraneous, leaving only the link.
 */
export function findRuntime(root: string, platform = process.platform, arch = process.arch): Runtime {
  const candidates = [join(root, 'node_modules/node/node_modules', `node-${platform}-${arch}`, 'bin/node'), join(root, 'node_modules/node/bin/node')];
  const binary = candidates.find((c) => existsSync(c) && statSync(c).size > 1e6);
  if (!binary) throw new UsageError(`no Node runtime for ${platform}-${arch} in node_modules/node: run npm ci (the "node" devDependency installs it)`);
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  if (Number(version.split('.')[0]) < MIN_MAJOR) throw new UsageError(`the Node runtime ${binary} is ${version}; the bundle needs Node ${MIN_MAJOR} or later`);
  return { binary: realpathSync(binary), version, platform, arch };
}
