// One entry point for every probe kind.
export { probeHttp, type HttpReply, type HttpProbeOptions } from './http.ts';
export { probeTcp } from './tcp.ts';
export { probePostgres, postgresClient, describePostgres } from './postgres.ts';
export { probeRedis, redisClient, describeRedis } from './redis.ts';
export { probeCertificate, type CertificateFacts } from './tls.ts';
export type { ProbeResult } from './result.ts';
export { sampleMedian, type Sampled } from './sample.ts';
