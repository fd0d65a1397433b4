// Each transport against a real node: this machine, and a container reached with docker.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execa } from 'execa';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { LABEL_OWNER, LABEL_RUN } from '../../reference/run-containers.ts';
import { LocalTransport } from '../../cli/fleet/transport/local.ts';
import { DockerTransport } from '../../cli/fleet/transport/docker.ts';
import { UnreachableError, type Transport } from '../../cli/fleet/transport/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fleetgate-transport-'));
const container = `fleetgate-transport-${process.pid}`;

beforeAll(async () => {
  const { nodeB } = await ensureReferenceImages();
  await execa('docker', ['run', '-d', '--name', container, '--label', `${LABEL_RUN}=transport-${process.pid}`, '--label', `${LABEL_OWNER}=${hostname()}:${process.pid}`, '--entrypoint', 'sleep', nodeB, '300']);
});
afterAll(async () => {
  await execa('docker', ['rm', '-f', container], { reject: false });
  rmSync(scratch, { recursive: true, force: true });
});

describe.for([
  ['local', (): Transport => new LocalTransport(), scratch],
  ['docker', (): Transport => new DockerTransport(container), '/var/tmp/fleetgate-transport'],
] as const)('%s transport', ([, make, remoteRoot]) => {
  test('runs a program there, feeds it stdin and streams its lines back', async () => {
    const transport = make();
    await transport.check();
    const lines: string[] = [];
    const result = await transport.exec(['sh', '-c', 'read secret; echo "got ${#secret} chars"; echo second; echo oops >&2; exit 3'], { input: 'from-stdin\n', onLine: (l) => lines.push(l) });
    expect(result).toEqual({ exitCode: 3, stdout: 'got 10 chars\nsecond\n', stderr: 'oops\n' });
    expect(lines).toEqual(['got 10 chars', 'second']);
  });

  test('copies a file there and a directory back', async () => {
    const transport = make();
    const local = join(scratch, 'payload.txt');
    writeFileSync(local, 'payload\n');
    await transport.put(local, `${remoteRoot}/in/payload.txt`);
    await transport.exec(['sh', '-c', `mkdir -p ${remoteRoot}/out/sub && cp ${remoteRoot}/in/payload.txt ${remoteRoot}/out/sub/copy.txt && echo report > ${remoteRoot}/out/results.json`]);
    const back = join(scratch, `back-${transport.target.replace(/\W/g, '')}`);
    await transport.get(`${remoteRoot}/out`, back);
    expect(readFileSync(join(back, 'sub/copy.txt'), 'utf8')).toBe('payload\n');
    expect(readFileSync(join(back, 'results.json'), 'utf8')).toBe('report\n');
  });
});

test('a container that is gone or stopped is unreachable, with one line saying which', async () => {
  await expect(new DockerTransport('fleetgate-no-such-container').check()).rejects.toThrow(UnreachableError);
  await expect(new DockerTransport('fleetgate-no-such-container').check()).rejects.toThrow(/^docker fleetgate-no-such-container: no such container/);
  const stopped = `${container}-stopped`;
  const { nodeB } = await ensureReferenceImages();
  await execa('docker', ['create', '--name', stopped, '--label', `${LABEL_RUN}=transport-${process.pid}`, '--entrypoint', 'sleep', nodeB, '300']);
  try {
    await expect(new DockerTransport(stopped).check()).rejects.toThrow(`docker ${stopped}: the container is not running`);
  } finally {
    await execa('docker', ['rm', '-f', stopped], { reject: false });
  }
});
