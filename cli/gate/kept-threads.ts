// Vitest starts a new worker thread for every run and stops it after, and each of the gate's iterations is
// a run: ~0.2 s of thread start-up per iteration (node's bootstrap, Vitest's runtime compiled again). This
// pool keeps threads for the gate's lifetime instead. A kept thread's runtime is started once: the `start`
// and `stop` that Vitest sends around every run are answered here, and `run`/`collect` go through, so
// spec files run afresh each iteration while the modules they import (fleetgate's helpers, pg, …) load
// once per gate run, as with Vitest's `isolate: false`. A thread serves only runs with the configuration
// and environment it was started with (the iteration's index aside, which each run's message brings).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolWorker } from 'vitest/node';

type Listener = (...args: unknown[]) => void;

interface WorkerMessage {
  __vitest_worker_request__?: boolean;
  type?: string;
  context?: unknown;
}

/** A thread whose runtime was started for one configuration and environment: only runs with the same reuse it. */
interface Kept {
  thread: Worker;
  key: string;
}

const idle: Kept[] = [];
const all = new Set<Kept>();

const respond = (type: string): object => ({ type, __vitest_worker_response__: true });

/** The environment a kept thread's modules may have read when they loaded: all of it but the iteration's index. */
function envKey(env: Partial<NodeJS.ProcessEnv>): string {
  return JSON.stringify(Object.entries(env).filter(([name]) => name !== 'FLEETGATE_ITERATION').sort(([a], [b]) => a.localeCompare(b)));
}

class KeptThread implements PoolWorker {
  readonly name = KEPT_THREADS;
  readonly #options: PoolOptions;
  readonly #listeners: [string, Listener][] = [];
  #kept: Kept | undefined;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  /** The thread is chosen at Vitest's `start` message, which says the configuration it must run with. */
  async start(): Promise<void> {}

  #take(context: unknown): { kept: Kept; fresh: boolean } {
    const key = `${JSON.stringify(context)}\n${envKey(this.#options.env)}`;
    const index = idle.findIndex((k) => k.key === key);
    if (index !== -1) return { kept: idle.splice(index, 1)[0]!, fresh: false };
    // Another configuration (the collection before the iterations, say): its idle threads will not be asked again.
    for (const stale of idle.splice(0)) void stale.thread.terminate();
    return { kept: this.#spawn(key), fresh: true };
  }

  #spawn(key: string): Kept {
    const entry = pathToFileURL(resolve(this.#options.distPath, 'workers/threads.js')).href;
    const thread = new Worker(threadScript(entry), { eval: true, env: this.#options.env, execArgv: this.#options.execArgv, stdout: true, stderr: true });
    const { logger } = this.#options.project.vitest;
    thread.stdout.pipe(logger.outputStream, { end: false });
    thread.stderr.pipe(logger.errorStream, { end: false });
    thread.unref();
    const kept: Kept = { thread, key };
    all.add(kept);
    thread.once('exit', () => {
      all.delete(kept);
      if (idle.includes(kept)) idle.splice(idle.indexOf(kept), 1);
    });
    return kept;
  }

  on(event: string, callback: Listener): void {
    this.#listeners.push([event, callback]);
    this.#kept?.thread.on(event, callback);
  }

  off(event: string, callback: Listener): void {
    const at = this.#listeners.findIndex(([e, c]) => e === event && c === callback);
    if (at !== -1) this.#listeners.splice(at, 1);
    this.#kept?.thread.off(event, callback);
  }

  send(message: unknown): void {
    const request = message as WorkerMessage;
    const ours = request.__vitest_worker_request__ === true;
    if (ours && request.type === 'start' && !this.#kept) {
      const { kept, fresh } = this.#take(request.context);
      this.#kept = kept;
      for (const [event, callback] of this.#listeners) kept.thread.on(event, callback);
      if (!fresh) return this.#answer('started');
    }
    const kept = this.#kept;
    if (!kept) throw new Error('fleetgate: a kept worker thread was sent a message before its start');
    if (ours && request.type === 'stop') return this.#answer('stopped');
    // The environment of this run (e.g. which iteration it is), before the run itself.
    if (ours && (request.type === 'run' || request.type === 'collect')) kept.thread.postMessage({ [ENV_MESSAGE]: this.#options.env });
    kept.thread.postMessage(message);
  }

  /** Answer for the runtime, after the caller has started waiting (as a real reply would). */
  #answer(type: string): void {
    const listeners = this.#listeners.filter(([event]) => event === 'message').map(([, callback]) => callback);
    setImmediate(() => listeners.forEach((callback) => callback(respond(type))));
  }

  /** The run is over: this run's listeners go, the thread waits for the next run with the same configuration. */
  async stop(): Promise<void> {
    const kept = this.#kept;
    this.#kept = undefined;
    if (!kept) return;
    for (const [event, callback] of this.#listeners.splice(0)) kept.thread.off(event, callback);
    if (all.has(kept)) idle.push(kept);
  }

  deserialize(data: unknown): unknown {
    return data;
  }
}

const KEPT_THREADS = 'fleetgate-kept-threads';
const ENV_MESSAGE = '__fleetgate_env__';

/** A kept thread: a listener that replaces its environment with each run's, then Vitest's own runtime. */
function threadScript(entry: string): string {
  return `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => {
  const env = message && message[${JSON.stringify(ENV_MESSAGE)}];
  if (!env) return;
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
});
import(${JSON.stringify(entry)});`;
}

/** Vitest's `pool` option: threads kept across the gate's runs. */
export const keptThreads = { name: KEPT_THREADS, createPoolWorker: (options: PoolOptions): PoolWorker => new KeptThread(options) };

/** End every kept thread: the gate is done (or aborting, and must not wait for a test that ignores cancellation). */
export async function endKeptThreads(): Promise<void> {
  idle.length = 0;
  await Promise.all([...all].map((kept) => kept.thread.terminate()));
  all.clear();
}
