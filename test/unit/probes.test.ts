import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execa } from 'execa';
import { probeHttp, probeTcp, probeCertificate } from '../../helpers/probes/index.ts';
import '../../helpers/matchers.ts';

let http: Server;
let https: Server;
let keys: string;
const port = (s: Server): number => (s.address() as AddressInfo).port;

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.url === '/private') {
      const allowed = [`Basic ${Buffer.from('ops:probe-secret-pw').toString('base64')}`, 'Bearer probe-service-token'];
      res.writeHead(allowed.includes(req.headers.authorization ?? '') ? 200 : 401).end();
      return;
    }
    const delay = req.url === '/slow' ? 300 : 0;
    setTimeout(() => res.writeHead(req.url === '/healthz' || req.url === '/slow' ? 200 : 503).end('{"status":"ok"}'), delay);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const dir = (keys = mkdtempSync(join(tmpdir(), 'fleetgate-tls-')));
  await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '5', '-subj', '/CN=probe-test',
    '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')]);
  https = createTlsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_q, r) => r.end('ok'));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
});
afterAll(() => {
  http.close();
  https.close();
  rmSync(keys, { recursive: true, force: true });
});

test('http probe reports status, body and latency', async () => {
  const result = await probeHttp(`http://127.0.0.1:${port(http)}/healthz`);
  expect(result).toMatchObject({ ok: true, value: { status: 200, json: { status: 'ok' } } });
  expect(result).toHaveStatus(200);
  expect(result).toAnswerWithin(1_000);
});

test('http probe sends Basic auth when given a user and password', async () => {
  const url = `http://127.0.0.1:${port(http)}/private`;
  expect(await probeHttp(url)).toHaveStatus(401);
  expect(await probeHttp(url, { auth: { user: 'ops', password: 'wrong' } })).toHaveStatus(401);
  expect(await probeHttp(url, { auth: { user: 'ops', password: 'probe-secret-pw' } })).toHaveStatus(200);
});

test('http probe sends a bearer token when given one', async () => {
  const url = `http://127.0.0.1:${port(http)}/private`;
  expect(await probeHttp(url, { auth: { token: 'another-token' } })).toHaveStatus(401);
  expect(await probeHttp(url, { auth: { token: 'probe-service-token' } })).toHaveStatus(200);
});

test('toHaveStatus and toAnswerWithin fail with the status and latency seen', async () => {
  const down = await probeHttp(`http://127.0.0.1:${port(http)}/readyz`);
  expect(() => expect(down).toHaveStatus(200)).toThrow(/answered HTTP 503, expected 200/);
  const slow = await probeHttp(`http://127.0.0.1:${port(http)}/slow`);
  expect(slow.latencyMs).toBeGreaterThanOrEqual(290);
  expect(() => expect(slow).toAnswerWithin(100)).toThrow(/answered in \d+ ms, over the 100 ms threshold/);
});

test('a closed port fails the tcp and http probes with the reason', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const free = port(closed);
  closed.close();
  await new Promise((r) => closed.once('close', r));
  expect(await probeTcp('127.0.0.1', free)).toMatchObject({ ok: false, detail: expect.stringMatching(/ECONNREFUSED/) });
  const result = await probeHttp(`http://127.0.0.1:${free}/`);
  expect(() => expect(result).toAnswerWithin(1_000)).toThrow(/did not answer: .*ECONNREFUSED/);
});

test('the tls probe reads an untrusted certificate and its days left', async () => {
  const result = await probeCertificate('127.0.0.1', port(https));
  expect(result.ok).toBe(true);
  expect(result.value).toMatchObject({ subject: 'probe-test' });
  expect(result.value!.daysLeft).toBeGreaterThanOrEqual(4);
  expect(result.value!.daysLeft).toBeLessThanOrEqual(5);
});
