// Vitest fixtures: what a spec asks for by name. Setup, use, teardown in one place.
import { test as base } from 'vitest';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { currentProfile } from './target.ts';
import type { Profile, PostgresTarget, RedisTarget } from './profile/schema.ts';
import { TargetNode } from './node.ts';
import { attachmentRecorder, evidenceRecorder, type Attach, type Evidence } from './evidence.ts';
import { browserPages, launchChromium, type BrowserPages } from './browser.ts';
import type { Browser } from 'playwright-core';
import { postgresClient, describePostgres, redisClient, describeRedis } from './probes/index.ts';
import { PreconditionError, isUnreachable } from './precondition.ts';
import { madeRecorder, type Made } from './made.ts';
import type { EndpointClient } from './http-client.ts';
import type { Docker } from './docker.ts';
import type { LatencyRecorder } from './latency.ts';

/** The gate sets the run's id for its workers; a spec run by plain Vitest gets one of its own. */
const RUN_ID = process.env.FLEETGATE_RUN_ID || `dev-${process.pid}`;

export interface FleetgateFixtures {
  /** The node's target profile (secrets resolved). */
  profile: Profile;
  /** The node under test; `node.run()` executes there. */
  node: TargetNode;
  /** Attach a fact to this criterion's report. */
  evidence: Evidence;
  /** A connected client; the criterion is blocked (not failed) if the database cannot be reached. */
  connectPostgres: (db: PostgresTarget) => Promise<pg.Client>;
  /** A connected client; blocked if Redis cannot be reached. */
  connectRedis: (target: RedisTarget) => Promise<Redis>;
  /** What this criterion made on the system, undone after it (last first), pass, fail or stop; names carry the run's label. */
  made: Made;
  /** supertest against the profile's http endpoint of that name (the first one when unnamed), with its credentials. */
  http: (name?: string) => EndpointClient;
  /** The node's Docker daemon (dockerode). */
  docker: Docker;
  /** `latency()` → a recorder of millisecond samples, `summary()` → p50/p95/p99/max from an HDR histogram. */
  latency: () => LatencyRecorder;
  /** `attach(name, bytes | text | { path }, contentType?)`: a file (a screenshot) copied into the report. */
  attach: Attach;
  /** Headless Chromium: `browser.newPage({ width })` gives a fresh context and page, closed after the criterion; blocked when no Chromium is installed. */
  browser: BrowserPages;
  /** The launched Chromium behind `browser`: one per spec file, closed when the file ends. */
  chromium: Browser;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message || error.name : String(error)).split('\n')[0]!;
}

/** Unreachable blocks the criterion; reached but refused (credentials, database name) fails it. */
function refusal(what: string, error: unknown): Error {
  return isUnreachable(error)
    ? new PreconditionError(`${what} is not reachable: ${firstLine(error)}`)
    : new Error(`${what} refused the connection: ${firstLine(error)}`, { cause: error });
}

interface Connector<T, C extends { on(event: 'error', fn: () => void): unknown }> {
  open(target: T): Promise<C>;
  describe(target: T): string;
  connect(client: C): Promise<unknown>;
  close(client: C): Promise<unknown>;
}

/** A connect function for the test; every client it made is closed after the test. */
async function withConnections<T, C extends { on(event: 'error', fn: () => void): unknown }>(
  use: (connect: (target: T) => Promise<C>) => Promise<void>,
  connector: Connector<T, C>,
): Promise<void> {
  const opened: C[] = [];
  await use(async (target) => {
    const client = await connector.open(target);
    client.on('error', () => undefined); // a dropped connection fails the command that uses it
    try {
      await connector.connect(client);
    } catch (error) {
      await connector.close(client);
      throw refusal(connector.describe(target), error);
    }
    opened.push(client);
    return client;
  });
  await Promise.all(opened.map((c) => connector.close(c)));
}

// supertest, dockerode and the HDR histogram load when a criterion first asks for them: most specs never do.
async function endpointsOf(profile: Profile): Promise<(name?: string) => EndpointClient> {
  const { endpointClient } = await import('./http-client.ts');
  return (name) => endpointClient(endpointNamed(profile, name));
}

function endpointNamed(profile: Profile, name: string | undefined): Profile['http'][number] {
  const endpoint = name === undefined ? profile.http[0] : profile.http.find((e) => e.name === name);
  if (!endpoint) {
    const known = profile.http.map((e) => e.name).join(', ') || 'none';
    throw new Error(`profile ${profile.node}: no http endpoint${name === undefined ? '' : ` named "${name}"`} (http endpoints: ${known})`);
  }
  return endpoint;
}

export const test = base.extend<FleetgateFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Vitest reads fixture dependencies from the destructuring
  profile: async ({}, use) => use(currentProfile()),
  node: async ({ profile }, use) => use(new TargetNode(profile.node, profile.transport)),
  evidence: async ({ annotate }, use) => use(evidenceRecorder(annotate)),
  // eslint-disable-next-line no-empty-pattern
  connectPostgres: async ({}, use) => {
    await withConnections(use, {
      open: postgresClient, describe: describePostgres,
      connect: (c) => c.connect(), close: (c) => c.end().catch(() => undefined),
    });
  },
  // eslint-disable-next-line no-empty-pattern
  connectRedis: async ({}, use) => {
    await withConnections(use, {
      open: redisClient, describe: describeRedis,
      connect: (c) => c.connect(), close: async (c) => c.disconnect(),
    });
  },
  // eslint-disable-next-line no-empty-pattern
  made: async ({}, use) => {
    const recorder = madeRecorder(RUN_ID);
    try {
      await use(recorder.made);
    } finally {
      await recorder.undoAll();
    }
  },
  http: async ({ profile }, use) => use(await endpointsOf(profile)),
  // eslint-disable-next-line no-empty-pattern
  docker: async ({}, use) => use(await (await import('./docker.ts')).nodeDocker()),
  // eslint-disable-next-line no-empty-pattern
  latency: async ({}, use) => use((await import('./latency.ts')).latencyRecorder),
  attach: async ({ annotate }, use) => use(attachmentRecorder(annotate)),
  chromium: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const launched = await launchChromium();
      try {
        await use(launched);
      } finally {
        await launched.close();
      }
    },
    { scope: 'file' },
  ],
  browser: async ({ chromium }, use) => {
    const pages = browserPages(chromium);
    try {
      await use(pages);
    } finally {
      await pages.closeAll();
    }
  },
});
