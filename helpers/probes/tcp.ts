// TCP connect probe: is anything listening, and how fast does it accept.
import { connect } from 'node:net';
import { timed, type ProbeResult } from './result.ts';

export function probeTcp(host: string, port: number, timeoutMs = 3_000): Promise<ProbeResult> {
  return timed(`tcp ${host}:${port}`, () => new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once('connect', () => {
      socket.end();
      resolve({ detail: 'connected' });
    });
    socket.once('error', reject);
  }));
}
