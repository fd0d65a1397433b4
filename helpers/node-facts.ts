// Facts read off the node through its transport: versions, disk and memory headroom.
import type { TargetNode } from './node.ts';

/** The first dotted version number in a --version banner ("psql (PostgreSQL) 15.18" → "15.18"). */
export function parseVersion(text: string): string | undefined {
  return /(\d+(?:\.\d+)+|\d+)/.exec(text)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export interface DiskFacts {
  path: string;
  totalMiB: number;
  availableMiB: number;
  freePercent: number;
}

export async function diskFree(node: TargetNode, path: string): Promise<DiskFacts> {
  const result = await node.run('df', ['-Pk', path], { check: true });
  return parseDf(result.stdout, path);
}

/** `df -Pk PATH` output → headroom; refuses output it cannot read rather than reporting 0 %. */
export function parseDf(stdout: string, path: string): DiskFacts {
  const fields = stdout.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
  const total = Number(fields[1]);
  const available = Number(fields[3]);
  if (fields.length < 4 || !Number.isFinite(total) || !Number.isFinite(available) || total <= 0) {
    throw new Error(`cannot read df output for ${path}: ${stdout}`);
  }
  return {
    path,
    totalMiB: Math.round(total / 1024),
    availableMiB: Math.round(available / 1024),
    freePercent: Math.round((available / total) * 1000) / 10,
  };
}

export interface MemoryFacts {
  availableMiB: number;
  /** Where the binding figure came from: a cgroup limit (containers) or /proc/meminfo. */
  source: 'cgroup v2' | 'cgroup v1' | 'meminfo';
}

const MEMORY_SCRIPT = [
  'for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.current /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.usage_in_bytes; do',
  '  printf "%s " "$f"; cat "$f" 2>/dev/null || echo -; done',
  'grep -E "^(total_)?inactive_file " /sys/fs/cgroup/memory.stat /sys/fs/cgroup/memory/memory.stat 2>/dev/null',
  'grep ^MemAvailable: /proc/meminfo',
].join('\n');

/** Memory a new process could still get: the tighter of the cgroup limit and the kernel's MemAvailable. */
export async function memoryAvailable(node: TargetNode): Promise<MemoryFacts> {
  const { stdout } = await node.sh(MEMORY_SCRIPT, { check: true });
  const facts = parseMemory(stdout);
  if (!facts) throw new Error(`cannot read available memory on ${node.name}`);
  return facts;
}

/** The output of MEMORY_SCRIPT → the binding figure; undefined when nothing in it could be read. */
export function parseMemory(stdout: string): MemoryFacts | undefined {
  const read = (pattern: RegExp): number | undefined => {
    const m = pattern.exec(stdout);
    return m && /^\d+$/.test(m[1]!) ? Number(m[1]) : undefined;
  };
  const meminfoKiB = read(/^MemAvailable:\s+(\d+)/m);
  const candidates: MemoryFacts[] = [];
  if (meminfoKiB !== undefined) candidates.push({ availableMiB: Math.floor(meminfoKiB / 1024), source: 'meminfo' });
  for (const [source, limitFile, usageFile, statFile] of [
    ['cgroup v2', 'memory.max', 'memory.current', 'memory.stat'],
    ['cgroup v1', 'memory/memory.limit_in_bytes', 'memory/memory.usage_in_bytes', 'memory/memory.stat'],
  ] as const) {
    const limit = read(new RegExp(`^/sys/fs/cgroup/${limitFile} (\\S+)`, 'm'));
    const usage = read(new RegExp(`^/sys/fs/cgroup/${usageFile} (\\S+)`, 'm'));
    const inactive = read(new RegExp(`^/sys/fs/cgroup/${statFile}:(?:total_)?inactive_file (\\d+)`, 'm')) ?? 0;
    if (limit !== undefined && usage !== undefined && limit < 2 ** 60) {
      candidates.push({ availableMiB: Math.floor((limit - Math.max(0, usage - inactive)) / 2 ** 20), source });
    }
  }
  return candidates.sort((a, b) => a.availableMiB - b.availableMiB)[0];
}
