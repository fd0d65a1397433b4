// A real headless browser for criteria about what people see: the system's Chromium driven by
// playwright-core (no browser download: it is pointed at the installed binary). One browser per spec file,
// a fresh context and page per criterion, console and page errors collected, everything closed after.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contrastRatio } from './contrast.ts';
import { PreconditionError } from './precondition.ts';

/** The Chromium binary to drive, when not a Debian location. */
export const CHROMIUM_ENV = 'FLEETGATE_CHROMIUM';
/**
 * Debian's real binary first: /usr/bin/chromium is a shell wrapper, and killing a wrapper leaves the browser
 * it started running.
 */
export const CHROMIUM_LOCATIONS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

/** Which Chromium to launch; blocked (not failed) when the machine has none: no browser, nothing to judge. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string {
  const chosen = env[CHROMIUM_ENV];
  if (chosen) {
    if (exists(chosen)) return chosen;
    throw new PreconditionError(`${CHROMIUM_ENV}=${chosen}: no such file (the Chromium binary the browser criteria run in)`);
  }
  const found = CHROMIUM_LOCATIONS.find((path) => exists(path));
  if (found) return found;
  throw new PreconditionError(`no Chromium on this machine: none of ${CHROMIUM_LOCATIONS.join(', ')} exists (install Debian's chromium, or set ${CHROMIUM_ENV} to its binary)`);
}

/**
 * The switch every browser of a run carries on its command line (Chromium ignores switches it does not know):
 * what a stopped run left behind can be found with `pgrep -f -- --fleetgate-run=<run id>`.
 */
export function runSwitch(runId = process.env.FLEETGATE_RUN_ID || `dev-${process.pid}`): string {
  return `--fleetgate-run=${runId}`;
}

/** Browsers of a run still running: processes whose command line carries its switch (Linux /proc; none elsewhere). */
export function runBrowserPids(runId: string): number[] {
  const wanted = runSwitch(runId);
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(wanted);
    } catch {
      return false; // it ended meanwhile
    }
  }).map(Number);
}

const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
};

/**
 * The gate's safety net when a run ends or is stopped: a spec file's browser is closed when the file ends, but a
 * worker stopped mid-file never gets there. SIGTERM lets Chromium take its helper processes with it; what is
 * still there after `graceMs` is killed. Returns the pids it found.
 */
export async function stopRunBrowsers(runId: string, graceMs = 3_000): Promise<number[]> {
  const found = runBrowserPids(runId);
  for (const pid of found) signal(pid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; runBrowserPids(runId).length && Date.now() < deadline;) await sleep(50);
  for (const pid of runBrowserPids(runId)) signal(pid, 'SIGKILL');
  return found;
}

/** The same for a process that exits now (synchronous): killed at once. */
export function killRunBrowsersNow(runId: string): void {
  for (const pid of runBrowserPids(runId)) signal(pid, 'SIGKILL');
}

/** Launch headless Chromium; the browser criteria need nothing but loopback and the sites they visit. */
export async function launchChromium(executablePath = chromiumExecutable()): Promise<Browser> {
  // Loaded only where a browser runs: every other spec imports these helpers without playwright-core.
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      // The gate answers SIGINT/SIGTERM itself (partial reports, then clean-up): the browser closes with the file.
      handleSIGINT: false,
      handleSIGTERM: false,
      // A container has a small /dev/shm; root has no user namespace sandbox.
      args: ['--disable-dev-shm-usage', '--no-sandbox', runSwitch()],
    });
  } catch (error) {
    throw new PreconditionError(`Chromium ${executablePath} did not start: ${(error as Error).message.split('\n')[0]}`);
  }
}

export interface PageOptions {
  /** Viewport width in CSS pixels (default 1280). */
  width?: number;
  height?: number;
  /** Cookies for the page's site, e.g. a session: `{ name, value, url }`. */
  cookies?: { name: string; value: string; url: string }[];
}

/** A page and what went wrong in it: console errors and uncaught page errors, as they happened. */
export interface BrowserPage {
  page: Page;
  /** `console.error` messages, failed resource loads and CSP violations the browser logged. */
  consoleErrors: string[];
  /** Uncaught exceptions in the page's scripts. */
  pageErrors: string[];
}

export interface BrowserPages {
  /** A new page in a fresh context (no cookies, no cache but what `options` gives): closed after the criterion. */
  newPage(options?: PageOptions): Promise<BrowserPage>;
}

/** Pages in a launched browser; `closeAll()` closes every context they opened. */
export function browserPages(browser: Browser): BrowserPages & { closeAll(): Promise<void> } {
  const contexts: BrowserContext[] = [];
  return {
    async newPage({ width = 1280, height = 800, cookies = [] } = {}) {
      const context = await browser.newContext({ viewport: { width, height } });
      contexts.push(context);
      if (cookies.length) await context.addCookies(cookies);
      const page = await context.newPage();
      const opened: BrowserPage = { page, consoleErrors: [], pageErrors: [] };
      page.on('console', (message) => {
        if (message.type() === 'error') opened.consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => opened.pageErrors.push(error.message));
      return opened;
    },
    async closeAll() {
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    },
  };
}

/** An element's text colour and the colour it is read on (the first opaque background up its ancestors). */
export interface ElementColours {
  selector: string;
  color: string;
  background: string;
}

/** The little of the DOM the measurements below use (this project compiles without the DOM library). */
interface PageElement { parentElement: PageElement | null }
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: PageElement): { color: string; backgroundColor: string };
}
/** Computed colours of the first element matching `selector`; fails naming the selector when there is none. */
export async function computedColours(page: Page, selector: string): Promise<ElementColours> {
  const colours = await page.evaluate((sel) => {
    const { document, getComputedStyle } = (globalThis as unknown as PageGlobals);
    const element = document.querySelector(sel);
    if (!element) return null;
    const transparent = (c: string): boolean => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
    let background = 'rgb(255, 255, 255)'; // the canvas of a page that paints none
    for (let at: PageElement | null = element; at; at = at.parentElement) {
      const paint = getComputedStyle(at).backgroundColor;
      if (!transparent(paint)) {
        background = paint;
        break;
      }
    }
    return { color: getComputedStyle(element).color, background };
  }, selector);
  if (!colours) throw new Error(`${page.url()}: no element matches ${selector}`);
  return { selector, ...colours };
}

/** WCAG contrast of an element's text on its background, with the colours it was computed from. */
export async function textContrast(page: Page, selector: string): Promise<ElementColours & { ratio: number }> {
  const colours = await computedColours(page, selector);
  return { ...colours, ratio: contrastRatio(colours.color, colours.background) };
}

export interface Overflow {
  width: number;
  scrollWidth: number;
  clientWidth: number;
  /** How far the page scrolls sideways (0 when it fits). */
  overflowPx: number;
}

/** Resize the viewport to `width` and measure whether the document scrolls sideways. */
export async function horizontalOverflow(page: Page, width: number, height = 800): Promise<Overflow> {
  await page.setViewportSize({ width, height });
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const { documentElement } = (globalThis as unknown as PageGlobals).document;
    return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
  });
  return { width, scrollWidth, clientWidth, overflowPx: Math.max(0, scrollWidth - clientWidth) };
}

/** The whole page as PNG bytes (for `attach`). */
export function screenshot(page: Page): Promise<Buffer> {
  return page.screenshot({ fullPage: true, type: 'png' });
}
