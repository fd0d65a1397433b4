// npm run stack:up / stack:status / stack:down: the reference fleet kept for a person, then nothing of it left.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { leftoverContainers } from '../../reference/run-containers.ts';
import { ROOT } from './gate-cli.ts';

const state = mkdtempSync(join(tmpdir(), 'fleetgate-stack-state-'));
const env = { FLEETGATE_STACK_STATE: state, FORCE_COLOR: '0' };
const stack = (verb: string, ...args: string[]) => execa('npm', ['run', '-s', `stack:${verb}`, ...(args.length ? ['--', ...args] : [])], { cwd: ROOT, env, reject: false, all: true });
/** What a stack could leave beside containers: networks, volumes, network namespaces. */
const others = async (): Promise<string> => (await Promise.all([
  execa('docker', ['network', 'ls', '-q']), execa('docker', ['volume', 'ls', '-q']), execa('ip', ['netns', 'list']),
])).map((r) => r.stdout.split('\n').sort().join('\n')).join('\n--\n');

afterAll(async () => {
  await stack('down');
  rmSync(state, { recursive: true, force: true });
}, 120_000);

test('stack:up keeps the five nodes after it exits, status sees them, a second up is refused, down leaves nothing', { timeout: 300_000 }, async () => {
  const before = await others();
  const up = await stack('up');
  expect(up.exitCode, up.all).toBe(0);
  const { runId, nodes, inventory, dir } = JSON.parse(readFileSync(join(state, 'stack.json'), 'utf8')) as { runId: string; nodes: { name: string }[]; inventory: string; dir: string };
  expect(nodes.map((n) => n.name)).toEqual(['arena-a', 'arena-b1', 'arena-b2', 'arena-b3', 'arena-c']);
  expect(up.all).toContain(`--inventory ${inventory}`);
  // The process that started them is gone; another run's orphan reaper must leave them alone.
  const { reapOrphans } = await import('../../reference/run-containers.ts');
  await reapOrphans();
  expect((await leftoverContainers(runId)).length).toBe(5);
  const status = await stack('status');
  expect(status.exitCode, status.all).toBe(0);
  expect(status.all!.match(/^ {2}✓ /gm)?.length).toBe(5);
  const again = await stack('up');
  expect(again.exitCode).toBe(2);
  expect(again.all).toMatch(/is already up/);

  const down = await stack('down');
  expect(down.exitCode, down.all).toBe(0);
  expect(await leftoverContainers(runId)).toEqual([]);
  expect(() => readFileSync(join(dir, 'inventory.yaml'))).toThrow();
  expect(await others()).toBe(before);
  expect((await stack('status')).exitCode).toBe(1);
});
