// `npm run stack:up` / `stack:down` / `stack:status`: the reference fleet kept running for a person (the
// runbook's staging steps by hand, a spec against a live stack), not for one gate run. What is up is
// written to .stack/stack.json: its run id (every container carries it) and the folder with the
// inventory, profiles, ssh keys and secrets. `down` removes the containers by run id (volumes with them),
// the images its nodes pulled, and that folder, and checks that docker shows nothing of the run any more.
// `clients` adds simulated VPN clients on its node C (reference/vpn-clients.ts) or removes them.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { leftoverContainers, leftoverNetworks, removeImagesFrom, removeRun } from './run-containers.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Where what is up is written (FLEETGATE_STACK_STATE: another folder, e.g. a test's own). */
const STATE_DIR = process.env.FLEETGATE_STACK_STATE || join(ROOT, '.stack');
const STATE_FILE = join(STATE_DIR, 'stack.json');

interface StackState {
  runId: string;
  dir: string;
  inventory: string;
  secrets: string;
  startedAt: string;
  /** Where the nodes pulled challenge images from: those images go with the stack. */
  registries: readonly string[];
  nodes: { name: string; role: string; container: string }[];
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function readState(): StackState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as StackState;
}

async function up(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: 'string' }, mutant: { type: 'string' }, 'mutant-node': { type: 'string' } } });
  const running = readState();
  if (running) {
    say(`stack: ${running.runId} is already up (started ${running.startedAt}); npm run stack:down first`);
    return 2;
  }
  const { ArenaFleet } = await import('./fleet.ts');
  const runId = `stack-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  const t0 = performance.now();
  const builder = new ArenaFleet().withRunId(runId).outlivingThisProcess().withLog(say);
  if (values.role) builder.withRole(values.role);
  const fleet = await builder.withMutant(values.mutant, values['mutant-node']).start();
  const secrets = fleet.writeSecretsFile();
  const { parse } = await import('yaml');
  const inventory = parse(readFileSync(fleet.inventoryFile, 'utf8')) as { nodes: { name: string; role: string; transport: { kind: string; container?: string; port?: number } }[] };
  const state: StackState = {
    runId, dir: fleet.dir, inventory: fleet.inventoryFile, secrets, startedAt: new Date().toISOString(), registries: fleet.registries,
    nodes: inventory.nodes.map((n) => ({ name: n.name, role: n.role, container: `fleetgate-${n.name}-${runId}` })),
  };
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  say(`\nstack ${runId} up in ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
  for (const n of state.nodes) say(`  ${n.name.padEnd(9)} ${n.role.padEnd(14)} docker exec -it ${n.container} bash`);
  say(`\nthe gate on every node:  set -a; . ${secrets}; set +a; ./gate.sh fleet --inventory ${fleet.inventoryFile}`);
  say('remove it all:           npm run stack:down');
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    say(`stack: nothing is up (no ${STATE_FILE})`);
    return 0;
  }
  await removeRun(state.runId);
  await removeImagesFrom(state.registries);
  rmSync(state.dir, { recursive: true, force: true });
  const left = [...await leftoverContainers(state.runId), ...await leftoverNetworks(state.runId)];
  if (left.length) {
    say(`stack: ${state.runId}: containers or networks still there after removal: ${left.join(', ')}`);
    return 1;
  }
  rmSync(STATE_DIR, { recursive: true, force: true });
  say(`stack ${state.runId} removed: its ${state.nodes.length} containers (node C's simulated clients with it), their volumes, its network and ${state.dir}`);
  return 0;
}

/** `stack:clients -- --count K [--team-size N] [--solo-every N]` adds K simulated VPN clients on node C; `--remove` removes them all. */
async function clients(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { count: { type: 'string' }, 'team-size': { type: 'string' }, 'solo-every': { type: 'string' }, remove: { type: 'boolean' } } });
  const state = readState();
  const vpn = state?.nodes.find((n) => n.role === 'vpn');
  if (!state || !vpn) {
    say(state ? `stack: ${state.runId} has no vpn node (started with --role?)` : 'stack: nothing is up (npm run stack:up first)');
    return 2;
  }
  const { VpnClients } = await import('./vpn-clients.ts');
  const fleetClients = new VpnClients(vpn.container);
  const t0 = performance.now();
  if (values.remove) {
    const down = await fleetClients.down();
    say(down.ok ? `removed ${down.removed.length} client(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s` : `stack: clients not all removed: ${down.error}`);
    return down.ok ? 0 : 1;
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) {
    say('usage: npm run stack:clients -- --count K [--team-size N] [--solo-every N] | --remove');
    return 2;
  }
  const up = await fleetClients.up(count, { teamSize: Number(values['team-size'] ?? 3), soloEvery: Number(values['solo-every'] ?? 4) });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const listed = await fleetClients.list();
  for (const c of up.clients) say(`  ${c.name.padEnd(12)} ${(c.team ?? 'solo').padEnd(12)} ${c.address.padEnd(12)} docker exec -it ${vpn.container} ip netns exec ${c.netns} sh`);
  say(`${up.clients.length} client(s) up in ${seconds} s (${Object.entries(up.timings ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v} ms`).join(', ')}); `
    + `${listed.count} on node C, wireguard-go ${(listed.rssKiB / 1024).toFixed(1)} MiB in all`);
  if (!up.ok) say(`stack: ${up.error}`);
  return up.ok ? 0 : 1;
}

async function status(): Promise<number> {
  const state = readState();
  if (!state) {
    say('stack: nothing is up');
    return 1;
  }
  const present = new Set(await leftoverContainers(state.runId));
  say(`stack ${state.runId}, up since ${state.startedAt}; inventory ${state.inventory}`);
  for (const n of state.nodes) say(`  ${present.has(n.container) ? '✓' : '✗'} ${n.name.padEnd(9)} ${n.role.padEnd(14)} ${n.container}`);
  return state.nodes.every((n) => present.has(n.container)) ? 0 : 1;
}

const [verb, ...rest] = process.argv.slice(2);
const verbs: Record<string, (args: string[]) => Promise<number>> = { up, down, status, clients };
const run = verbs[verb ?? ''];
if (!run) {
  process.stderr.write(`usage: npm run stack:up [-- --role R] [-- --mutant NAME [--mutant-node NODE]] | npm run stack:down | npm run stack:status | npm run stack:clients -- --count K | --remove\n`);
  process.exitCode = 2;
} else {
  let code: number;
  try {
    code = await run(rest);
  } catch (error) {
    process.stderr.write(`stack: ${(error as Error).message.split('\n')[0]}\n`);
    code = 1;
  }
  // testcontainers keeps its Docker client's sockets open: the stack stays, this process goes.
  process.exit(code);
}
