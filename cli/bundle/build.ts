// One bundle: trace what the gate loads, stage it beside the runtime and the suites, write the manifest,
// pack. The staging folder is the bundle's exact content, so the checksums are of what ships.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GATE_ENTRIES, NOT_ON_NODE, dynamicEntries, suiteFiles } from './contents.ts';
import { MANIFEST_FILE, dependencyVersions, fileSums, manifestText, type Manifest } from './manifest.ts';
import { packBundle } from './pack.ts';
import { findRuntime } from './runtime.ts';
import { traceFiles } from './trace.ts';

/** What `npm run bundle` asks for. */
export interface BundleRequest {
  root: string;
  /** A role, or `all`. */
  role: string;
  outDir: string;
  log?: (line: string) => void;
}

/** What was written, for the command's summary and the bench. */
export interface BuiltBundle {
  tarball: string;
  sha256: string;
  bytes: number;
  manifest: Manifest;
  /** Files nft found, and the dynamic entries named by hand (contents.ts), for the summary. */
  traced: number;
  byHand: string[];
  warnings: number;
}

/** Where the bundle's runtime lives inside it; gate.sh runs `<bundle>/runtime/node`. */
export const RUNTIME_PATH = 'runtime/node';

interface PackageJson {
  name: string;
  version: string;
  type?: string;
  exports?: unknown;
  engines?: unknown;
}

/** The bundle's package.json: only what Node and Vite read on the node (the name and exports make `import 'fleetgate'` resolve). */
function bundlePackageJson(pkg: PackageJson): string {
  return `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: pkg.type, exports: pkg.exports, engines: pkg.engines }, null, 2)}\n`;
}

function gitFacts(root: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

function stageFile(from: string, stageDir: string, to: string): void {
  const target = join(stageDir, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(from, target);
  chmodSync(target, statSync(from).mode & 0o755);
}

/** Trace, stage, checksum and pack one bundle; the staging folder is removed whatever happens. */
export async function buildBundle(request: BundleRequest): Promise<BuiltBundle> {
  const root = resolve(request.root);
  const log = request.log ?? (() => undefined);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const runtime = findRuntime(root);
  const name = `${pkg.name}-${pkg.version}-${request.role}-${runtime.platform}-${runtime.arch}`;

  const suites = suiteFiles(root, request.role);
  const byHand = dynamicEntries(root, runtime.platform, runtime.arch);
  log(`tracing what the gate loads (${GATE_ENTRIES.length} entry points, ${suites.length} suite files, ${byHand.length} dynamic entries)`);
  const trace = await traceFiles(root, [...GATE_ENTRIES, ...suites, ...byHand], NOT_ON_NODE);

  const stageParent = mkdtempSync(join(tmpdir(), 'fleetgate-bundle-'));
  try {
    const stageDir = join(stageParent, name);
    const files = new Set<string>();
    for (const file of trace.files) {
      if (file === 'package.json' || statSync(join(root, file)).isDirectory()) continue;
      stageFile(join(root, file), stageDir, file);
      files.add(file);
    }
    stageFile(runtime.binary, stageDir, RUNTIME_PATH);
    stageFile(join(root, 'gate.sh'), stageDir, 'gate.sh');
    writeFileSync(join(stageDir, 'package.json'), bundlePackageJson(pkg));
    for (const extra of [RUNTIME_PATH, 'gate.sh', 'package.json']) files.add(extra);

    const sorted = [...files].sort();
    const manifest: Manifest = {
      name: pkg.name,
      version: pkg.version,
      role: request.role,
      platform: runtime.platform,
      arch: runtime.arch,
      ...gitFacts(root),
      builtAt: new Date().toISOString(),
      node: runtime.version,
      dependencies: dependencyVersions(stageDir, sorted),
      suites: suites.filter((f) => f.endsWith('.spec.ts')),
      fileCount: sorted.length,
      files: fileSums(stageDir, sorted),
    };
    writeFileSync(join(stageDir, MANIFEST_FILE), manifestText(manifest));

    mkdirSync(request.outDir, { recursive: true });
    const tarball = resolve(request.outDir, `${name}.tar.gz`);
    log(`packing ${sorted.length} files into ${tarball}`);
    const sha256 = await packBundle(stageParent, name, tarball);
    return { tarball, sha256, bytes: statSync(tarball).size, manifest, traced: trace.files.length, byHand, warnings: trace.warnings.length };
  } finally {
    rmSync(stageParent, { recursive: true, force: true });
  }
}
