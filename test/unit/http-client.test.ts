// The http fixture's client against a real local server: each request carries the endpoint's credentials.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { endpointClient } from '../../helpers/http-client.ts';

let server: Server;
let url: string;
const seen: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const ok = req.headers.authorization === 'Bearer service-token-1234567890';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('a bearer token endpoint: every verb carries it, supertest assertions read like the runbook', async () => {
  const api = endpointClient({ url, insecure: false, auth: { token: 'service-token-1234567890' } });
  expect(api.url).toBe(url.slice(0, -1));
  await api.get('/api/teams').expect(200, { ok: true });
  await api.post('/api/teams').send({ name: 'red' }).expect(200);
  expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/api/teams', body: '{"name":"red"}' });
});

test('as(token) swaps the credentials, as(null) drops them', async () => {
  const api = endpointClient({ url, insecure: false, auth: { token: 'service-token-1234567890' } });
  await api.as('a-player-session').delete('/api/instances/1').expect(401);
  expect(seen.at(-1)!.headers.authorization).toBe('Bearer a-player-session');
  await api.as(null).put('/api/me').expect(401);
  expect(seen.at(-1)!.headers.authorization).toBeUndefined();
});

test('a Basic auth endpoint sends user and password', async () => {
  await endpointClient({ url, insecure: false, auth: { user: 'ctf', password: 'registry-password' } }).patch('/v2/').expect(401);
  expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ctf:registry-password').toString('base64')}`);
});
