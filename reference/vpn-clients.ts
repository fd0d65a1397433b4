// The simulated VPN clients of a running reference fleet, from the controller: node C's
// `arena vpn clients …` verbs through `docker exec` (the clients live in network namespaces on node C,
// see reference/README.md). A spec running ON node C calls the same verbs locally; these types are the
// shapes both see.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface VpnClient {
  /** Its name: also its principal's handle on B, its network namespace and its record's folder on C. */
  name: string;
  userId: number;
  email: string;
  /** Its team on B; null when solo. */
  team: string | null;
  solo: boolean;
  /** Its team in node C's state: the team's name, or `solo-<name>`. */
  principal: string;
  /** Its tunnel address (10.66.x.y); node C is 10.66.0.1. */
  address: string;
  publicKey: string;
  netns: string;
  interfaces: { node: string; client: string; wg: string };
  link: { node: string; client: string };
  createdAt: string;
  /** Its key was removed on B (`revoke`): the device is still up, node C no longer has its peer. */
  revoked: boolean;
  /** From `list` only: its namespace exists, its wireguard-go's memory, its peer on wg0 and the last handshake. */
  up?: boolean;
  rssKiB?: number;
  peerOnNode?: boolean;
  handshakeAgeSeconds?: number | null;
}

export interface ReachAttempt {
  client: string;
  /** The client's team in B's state now (null: not in the state). */
  team: string | null;
  target: string;
  targetTeam: string;
  protocol: 'tcp' | 'icmp';
  expected: 'reached' | 'blocked';
  observed: string;
}

interface Outcome { ok: boolean; error?: string }
export interface ClientsUp extends Outcome { batch: string; clients: VpnClient[]; timings: { enrolMs: number; reconcileMs: number; devicesMs: number; handshakesMs: number } }
export interface ClientsList extends Outcome { count: number; rssKiB: number; clients: VpnClient[] }
export interface ClientsReach extends Outcome { clients: number; teams: number; attempts: ReachAttempt[] }
export interface ClientsDown extends Outcome { removed: string[]; swept: string[] }
export interface ClientChange extends Outcome { client: VpnClient; removed?: boolean }

/** An answer and the verb's exit status (0 when `ok`). */
export type Answered<T> = T & { exitCode: number };

export interface UpOptions {
  /** Members per team, at most 4 (default 3). */
  teamSize?: number;
  /** Every N-th client is solo (default 4; 0: none). */
  soloEvery?: number;
}

export class VpnClients {
  /** Node C's container name (`fleetgate-arena-c-<run id>`). */
  readonly container: string;

  constructor(container: string) {
    this.container = container;
  }

  async #arena<T>(args: string[]): Promise<Answered<T & Outcome>> {
    const done = await promisify(execFile)('docker', ['exec', this.container, 'arena', 'vpn', 'clients', ...args, '--json'], { maxBuffer: 64 << 20 })
      .then(({ stdout }) => ({ stdout, code: 0 }), (error: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code ?? 1, stderr: error.stderr }));
    try {
      return { ...(JSON.parse(done.stdout) as T & Outcome), exitCode: done.code };
    } catch {
      throw new Error(`arena vpn clients ${args[0]} on ${this.container} printed no JSON (exit ${done.code}): ${('stderr' in done ? done.stderr : '') || done.stdout}`);
    }
  }

  /** K new clients, each enrolled on B, its tunnel up and its peer handshaken on node C. */
  up(count: number, options: UpOptions = {}): Promise<Answered<ClientsUp>> {
    return this.#arena(['up', '--count', String(count), '--team-size', String(options.teamSize ?? 3), '--solo-every', String(options.soloEvery ?? 4)]);
  }

  list(): Promise<Answered<ClientsList>> {
    return this.#arena(['list']);
  }

  /** From each client (or the named ones), TCP and ICMP to every team's subnet: the whole matrix. */
  reach(names: readonly string[] = []): Promise<Answered<ClientsReach>> {
    return this.#arena(['reach', ...names.flatMap((n) => ['--client', n])]);
  }

  /** The client's user leaves its team on B and joins `team` (one the clients made), or goes solo (null). */
  move(name: string, team: string | null): Promise<Answered<ClientChange>> {
    return this.#arena(['move', name, ...(team === null ? ['--solo'] : ['--team', team])]);
  }

  /** The client's user removes its key on B; its device stays up. */
  revoke(name: string): Promise<Answered<ClientChange>> {
    return this.#arena(['revoke', name]);
  }

  /** Remove the named clients, or all: tunnels, namespaces, their keys and teams on B, their peers on C. */
  down(names: readonly string[] = []): Promise<Answered<ClientsDown>> {
    return this.#arena(['down', ...names]);
  }
}
