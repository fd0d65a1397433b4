// The browser node's target profile: the machine a headless Chromium runs on (the controller, transport
// local), looking at node B's pages as that machine reaches them — a container's bridge address, or a port
// published on loopback. Its criteria are the appearance suite's (suites/appearance/browser/).
import type { ProfileInput } from '../../helpers/profile/schema.ts';

export const BROWSER_ROLE = 'browser';

/** Node B's pages: who may see each (vars.appearance.pages). */
export const NODE_B_PAGES = [
  { name: 'home', path: '/', audience: 'public' },
  { name: 'scoreboard', path: '/scoreboard', audience: 'public' },
  { name: 'sign-in', path: '/login', audience: 'public' },
  { name: 'player', path: '/play', audience: 'player' },
  { name: 'admin', path: '/admin', audience: 'admin' },
] as const;

/** Node B's bootstrap admin (ARENA_ADMIN_EMAIL's default); its password is the run secret ARENA_ADMIN_PASSWORD. */
export const NODE_B_ADMIN_EMAIL = 'admin@arena.local';

export interface BrowserNode {
  /** Node B's site as this machine reaches it, e.g. `http://172.17.0.3:8080` or `http://127.0.0.1:49153`. */
  siteUrl: string;
  node?: string;
  /** The env name holding node B's admin password (default ARENA_ADMIN_PASSWORD). */
  adminPasswordEnv?: string;
}

export function browserProfile({ siteUrl, node = 'arena-browser', adminPasswordEnv = 'ARENA_ADMIN_PASSWORD' }: BrowserNode): ProfileInput {
  return {
    node,
    role: BROWSER_ROLE,
    transport: { kind: 'local' },
    // The site answers from here: preflight's health criteria check the way the browser will come.
    http: [{ name: 'site', url: siteUrl, health: '/healthz', maxLatencyMs: 1000 }],
    vars: {
      appearance: {
        endpoint: 'site',
        presets: '/api/appearance/presets',
        pages: NODE_B_PAGES.map((p) => ({ ...p })),
        viewports: [360, 1280],
        admin: { email: NODE_B_ADMIN_EMAIL, password: `\${env:${adminPasswordEnv}}` },
      },
    },
  };
}
