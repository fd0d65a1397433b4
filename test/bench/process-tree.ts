// Wall time and peak resident memory of a command and all its descendants, sampled from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';

function children(): Map<number, number[]> {
  const tree = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      tree.set(ppid, [...(tree.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  return tree;
}

function treeRssKiB(root: number): number {
  const tree = children();
  let total = 0;
  for (const stack = [root]; stack.length;) {
    const pid = stack.pop()!;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
    stack.push(...(tree.get(pid) ?? []));
  }
  return total;
}

export interface Measured {
  wallMs: number;
  peakRssMiB: number;
  exitCode: number;
  output: string;
}

export async function measure(file: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Measured> {
  const started = performance.now();
  const child = execa(file, args, { ...options, reject: false, all: true });
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRssKiB(child.pid));
  }, 25);
  const result = await child;
  clearInterval(timer);
  return { wallMs: performance.now() - started, peakRssMiB: Math.round(peak / 1024), exitCode: result.exitCode ?? 1, output: String(result.all) };
}
