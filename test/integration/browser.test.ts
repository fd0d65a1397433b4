// helpers/browser.ts against the system Chromium and pages served on loopback: computed colours, contrast,
// sideways overflow, console and page errors, a screenshot; blocked without a browser; nothing left running.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserPages, chromiumExecutable, computedColours, horizontalOverflow, launchChromium, runSwitch, screenshot, textContrast, CHROMIUM_ENV } from '../../helpers/browser.ts';
import { PreconditionError } from '../../helpers/precondition.ts';

const RUN = `browser-test-${randomBytes(4).toString('hex')}`;
process.env.FLEETGATE_RUN_ID = RUN;

const PAGES: Record<string, string> = {
  '/readable': '<!doctype html><html><head><style>body{margin:0;background:#0d1117;color:#e6edf3} h1{color:#ffffff}</style></head><body><h1>Title</h1><p>text</p></body></html>',
  '/unreadable': '<!doctype html><html><head><style>body{background:#0d1117;color:#2d333b}</style></head><body><p>text</p></body></html>',
  '/wide': '<!doctype html><html><head><meta name="viewport" content="width=device-width,initial-scale=1"></head><body style="margin:0"><div style="width:48rem">wide</div></body></html>',
  '/noisy': '<!doctype html><html><body><script>console.error("boom in the console"); throw new Error("uncaught in the page")</script></body></html>',
};

let server: Server;
let base = '';
let chromium: Browser;

/** Browser processes of this test's run still alive. */
async function runBrowsers(): Promise<string[]> {
  const found = await execa('pgrep', ['-af', '--', runSwitch(RUN)], { reject: false });
  return found.stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const page = PAGES[req.url ?? ''];
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html' }).end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await new Promise((resolve) => server.close(resolve));
  expect(await runBrowsers()).toEqual([]);
});

describe('finding Chromium', () => {
  test('the Debian binary, not its wrapper script', () => {
    expect(chromiumExecutable({}, (p) => p === '/usr/lib/chromium/chromium' || p === '/usr/bin/chromium')).toBe('/usr/lib/chromium/chromium');
  });

  test(`${CHROMIUM_ENV} wins, and a missing one blocks naming it`, () => {
    expect(chromiumExecutable({ [CHROMIUM_ENV]: '/opt/chrome' }, (p) => p === '/opt/chrome')).toBe('/opt/chrome');
    expect(() => chromiumExecutable({ [CHROMIUM_ENV]: '/opt/none' }, () => false)).toThrow(new PreconditionError(`${CHROMIUM_ENV}=/opt/none: no such file (the Chromium binary the browser criteria run in)`));
  });

  test('no browser at all blocks the criterion (PreconditionError) and says what to install', () => {
    let error: unknown;
    try {
      chromiumExecutable({}, () => false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as Error).message).toMatch(/no Chromium on this machine: none of \/usr\/lib\/chromium\/chromium, .* exists \(install Debian's chromium, or set FLEETGATE_CHROMIUM/);
  });
});

describe('a page in the real browser', () => {
  test('computed colours and contrast: readable and unreadable text', async () => {
    const pages = browserPages(chromium);
    try {
      const { page } = await pages.newPage();
      expect((await page.goto(`${base}/readable`))?.status()).toBe(200);
      expect(await computedColours(page, 'body')).toEqual({ selector: 'body', color: 'rgb(230, 237, 243)', background: 'rgb(13, 17, 23)' });
      // h1 has no background of its own: it is read on the body's.
      expect(await computedColours(page, 'h1')).toEqual({ selector: 'h1', color: 'rgb(255, 255, 255)', background: 'rgb(13, 17, 23)' });
      expect((await textContrast(page, 'body')).ratio).toBeGreaterThan(15);
      await page.goto(`${base}/unreadable`);
      expect((await textContrast(page, 'body')).ratio).toBeCloseTo(1.49, 1);
      await expect(computedColours(page, 'h1')).rejects.toThrow(`${base}/unreadable: no element matches h1`);
    } finally {
      await pages.closeAll();
    }
  });

  test('horizontal overflow at 360 px and 1280 px', async () => {
    const pages = browserPages(chromium);
    try {
      const { page } = await pages.newPage({ width: 360 });
      await page.goto(`${base}/wide`);
      expect(await horizontalOverflow(page, 360)).toMatchObject({ width: 360, clientWidth: 360, scrollWidth: 768, overflowPx: 408 });
      expect(await horizontalOverflow(page, 1280)).toMatchObject({ width: 1280, overflowPx: 0 });
      await page.goto(`${base}/readable`);
      expect((await horizontalOverflow(page, 360)).overflowPx).toBe(0);
    } finally {
      await pages.closeAll();
    }
  });

  test('console errors and page errors are collected; a fresh page has none', async () => {
    const pages = browserPages(chromium);
    try {
      const noisy = await pages.newPage();
      await noisy.page.goto(`${base}/noisy`);
      expect(noisy.consoleErrors).toContain('boom in the console');
      expect(noisy.pageErrors).toEqual(['uncaught in the page']);
      const quiet = await pages.newPage();
      await quiet.page.goto(`${base}/readable`);
      expect(quiet).toMatchObject({ consoleErrors: [], pageErrors: [] });
    } finally {
      await pages.closeAll();
    }
  });

  test('a screenshot is a PNG of the whole page', async () => {
    const pages = browserPages(chromium);
    try {
      const { page } = await pages.newPage({ width: 360 });
      await page.goto(`${base}/wide`);
      const png = await screenshot(page);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(768); // full page: as wide as the content, not the viewport
    } finally {
      await pages.closeAll();
    }
  });

  test('closing the pages closes their contexts; the browser runs until closed, then nothing is left', async () => {
    const pages = browserPages(chromium);
    await pages.newPage();
    expect(chromium.contexts()).toHaveLength(1);
    await pages.closeAll();
    expect(chromium.contexts()).toHaveLength(0);
    expect((await runBrowsers()).length).toBeGreaterThan(0);
    const second = await launchChromium();
    await second.close();
  });
});
