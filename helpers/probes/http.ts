// HTTP(S) probe: status, body and latency of one request.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { timed, type ProbeResult } from './result.ts';
import { clip } from '../redact.ts';
import type { HttpAuth } from '../profile/schema.ts';

export interface HttpReply {
  status: number;
  body: string;
  json: unknown;
}

export interface HttpProbeOptions {
  timeoutMs?: number;
  insecure?: boolean;
  /** HTTP Basic credentials or a bearer token, from the profile (secrets, masked in every encoded form). */
  auth?: HttpAuth | undefined;
}

function authorization(auth: HttpAuth | undefined): { auth?: string; headers?: Record<string, string> } {
  if (!auth) return {};
  return 'token' in auth ? { headers: { authorization: `Bearer ${auth.token}` } } : { auth: `${auth.user}:${auth.password}` };
}

function get(url: URL, options: HttpProbeOptions): Promise<HttpReply> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', timeout: options.timeoutMs ?? 5_000, rejectUnauthorized: !options.insecure, agent: false,
      ...authorization(options.auth) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5_000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** ok means "an HTTP answer arrived"; the status is for the spec to judge. */
export function probeHttp(url: string, options: HttpProbeOptions = {}): Promise<ProbeResult<HttpReply>> {
  return timed(`GET ${url}`, async () => {
    const reply = await get(new URL(url), options);
    return { detail: `HTTP ${reply.status} ${clip(reply.body, 200)}`, value: reply };
  });
}
