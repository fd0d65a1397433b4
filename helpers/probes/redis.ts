// Redis probe: PING and its round trip.
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../profile/schema.ts';
import { timed, type ProbeResult } from './result.ts';

/** A not yet connected client; ioredis is loaded on first use. */
export async function redisClient(target: RedisTarget, timeoutMs = 3_000): Promise<Redis> {
  const { Redis: Client } = await import('ioredis');
  return new Client({
    host: target.host, port: target.port, password: target.password, lazyConnect: true,
    connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null,
    enableOfflineQueue: false,
  });
}

export function describeRedis(target: RedisTarget): string {
  return `redis ${target.name} at ${target.host}:${target.port}`;
}

export function probeRedis(target: RedisTarget): Promise<ProbeResult<string>> {
  return timed(describeRedis(target), async () => {
    const client = await redisClient(target);
    client.on('error', () => undefined); // surfaced through the rejected command instead
    try {
      await client.connect();
      const reply = await client.ping();
      return { detail: reply, value: reply };
    } finally {
      client.disconnect();
    }
  });
}
