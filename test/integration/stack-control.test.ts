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
/** The volumes and networks a run's containers use: what must go with them (other tests make their own meanwhile). */
async function attached(runId: string): Promise<{ volumes: string[]; networks: string[] }> {
  const ids = (await execa('docker', ['ps', '-aq', '--filter', `label=org.fleetgate.run=${runId}`])).stdout.split('\n').filter(Boolean);
  const { stdout } = await execa('docker', ['inspect', '--format', '{{range .Mounts}}{{if .Name}}volume:{{.Name}} {{end}}{{end}}{{range $k, $v := .NetworkSettings.Networks}}network:{{$k}} {{end}}', ...ids]);
  const words = [...new Set(stdout.split(/\s+/).filter(Boolean))];
  return { volumes: words.filter((w) => w.startsWith('volume:')).map((w) => w.slice(7)), networks: words.filter((w) => w.startsWith('network:')).map((w) => w.slice(8)) };
}
const hostNamespaces = async (): Promise<string> => (await execa('ip', ['netns', 'list'])).stdout;

afterAll(async () => {
  await stack('down');
  rmSync(state, { recursive: true, force: true });
}, 120_000);

test('stack:up keeps the five nodes after it exits, status sees them, a second up is refused, clients join, down leaves nothing', { timeout: 300_000 }, async () => {
  const namespaces = await hostNamespaces();
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

  // Simulated VPN clients on its node C, fed from its B: stack:down takes them with it.
  const clients = await stack('clients', '--count', '2');
  expect(clients.exitCode, clients.all).toBe(0);
  expect(clients.all).toMatch(/^2 client\(s\) up in [\d.]+ s .*; 2 on node C, wireguard-go [\d.]+ MiB in all$/m);
  expect((await stack('clients')).exitCode).toBe(2);

  const used = await attached(runId);
  const down = await stack('down');
  expect(down.exitCode, down.all).toBe(0);
  expect(await leftoverContainers(runId)).toEqual([]);
  expect(() => readFileSync(join(dir, 'inventory.yaml'))).toThrow();
  const volumes = (await execa('docker', ['volume', 'ls', '-q'])).stdout.split('\n');
  expect(used.volumes.filter((v) => volumes.includes(v))).toEqual([]);
  // Its own network (node C names node B there) goes with it; docker's own stay.
  expect(used.networks.filter((n) => !['bridge', 'host', 'none'].includes(n))).toEqual([`fleetgate-${runId}`]);
  expect((await execa('docker', ['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n')).not.toContain(`fleetgate-${runId}`);
  expect(await hostNamespaces()).toBe(namespaces);
  expect((await stack('status')).exitCode).toBe(1);
});
