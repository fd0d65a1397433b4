// What a spec imports: the extended test, expect with fleetgate's matchers, and the few plain helpers.
import './matchers.ts';

export { test } from './fixtures.ts';
export { expect, describe, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
export { z } from 'zod';
export { currentProfile } from './target.ts';
export { eventually } from './eventually.ts';
export { run } from './run.ts';
export * as probe from './probes/index.ts';
export { parseVersion, diskFree, memoryAvailable } from './node-facts.ts';
export { contrastRatio, relativeLuminance, parseColour, WCAG_AA } from './contrast.ts';
export { computedColours, textContrast, horizontalOverflow, screenshot, type BrowserPage, type BrowserPages, type ElementColours, type Overflow } from './browser.ts';
export type { Attach } from './evidence.ts';
export { PreconditionError } from './precondition.ts';
export type { LatencyRecorder, LatencySummary } from './latency.ts';
export { containersLabelled, type Docker } from './docker.ts';
export type { Made } from './made.ts';
export type { EndpointClient } from './http-client.ts';
export type { Profile } from './profile/schema.ts';
