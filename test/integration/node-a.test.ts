// Node A (registry) alone, healthy and with each registry fault switch: `arena registry check --json`
// answers one stable shape, exits 0 only when host, credentials and every expected challenge image are
// there, and otherwise says what failed; challenge images build deterministically and push over the API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ensureReferenceImages } from '../../reference/images/build.ts';
import { REGISTRY } from '../../reference/node-kinds.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_RUN, removeRun } from '../../reference/run-containers.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const RUN = `node-a-test-${randomBytes(4).toString('hex')}`;
const PASSWORD = randomBytes(18).toString('base64url');
const MUTANTS = ['registry-auth-broken', 'registry-down', 'challenge-missing'] as const;
type Variant = 'healthy' | (typeof MUTANTS)[number];
const nodes = new Map<Variant, StartedTestContainer>();

interface Check {
  ok: boolean;
  registry: string;
  user: string;
  error: string | null;
  checks: Record<'host' | 'credentials' | 'images', { ok: boolean; detail: string }>;
  images: { slug: string; reference: string; present: boolean; digest: string | null }[];
}

/** Run the arena CLI on a node; JSON parsed from stdout. */
async function arena<T>(variant: Variant, ...args: string[]): Promise<{ exitCode: number; json: T; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await nodes.get(variant)!.exec(['arena', ...args, '--json']);
  return { exitCode, json: JSON.parse(stdout) as T, stdout, stderr };
}

/** Python run on the node: a built challenge (manifest + blobs) as a `docker load` archive. */
const TO_DOCKER_ARCHIVE = `
import json, os, sys, tarfile
src, tag, out = sys.argv[1:4]
manifest = json.load(open(os.path.join(src, "manifest.json")))
blob = lambda d: os.path.join(src, "blobs", d["digest"].split(":")[1])
with tarfile.open(out, "w") as tar:
    tar.add(blob(manifest["config"]), "config.json")
    layers = []
    for i, layer in enumerate(manifest["layers"]):
        tar.add(blob(layer), f"layer{i}.tar.gz")
        layers.append(f"layer{i}.tar.gz")
    index = json.dumps([{"Config": "config.json", "RepoTags": [tag], "Layers": layers}]).encode()
    info = tarfile.TarInfo("manifest.json"); info.size = len(index)
    tar.addfile(info, __import__("io").BytesIO(index))
`;

/** Every key path of a JSON value (array items by their own keys): what "a stable shape" means. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => shape(v, `${prefix}[]`)))].sort();
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...shape(v, `${prefix}.${k}`)]).sort();
  return [];
}

beforeAll(async () => {
  const images = await ensureReferenceImages();
  const variants: Variant[] = ['healthy', ...MUTANTS];
  const started = await Promise.all(variants.map((variant) => REGISTRY.configure!(new GenericContainer(images[REGISTRY.image]))
    .withName(`fleetgate-arena-a-${variant}-${RUN}`)
    .withHostname('arena-a')
    .withLabels({ [LABEL_RUN]: RUN, [LABEL_NODE]: `arena-a-${variant}`, [LABEL_OWNER]: `${hostname()}:${process.pid}` })
    .withEnvironment({ ARENA_REGISTRY_PASSWORD: PASSWORD, ARENA_MUTANT: variant === 'healthy' ? '' : variant })
    .withWaitStrategy(Wait.forLogMessage(REGISTRY.readyLog))
    .withStartupTimeout(90_000)
    .start()));
  variants.forEach((variant, i) => nodes.set(variant, started[i]!));
}, 120_000);

afterAll(() => removeRun(RUN));

describe('arena registry check --json', () => {
  test('healthy: host, credentials and both expected challenge images, exit 0, no secret in the output', async () => {
    const { exitCode, json, stdout } = await arena<Check>('healthy', 'registry', 'check');
    expect(exitCode, stdout).toBe(0);
    expect(json).toMatchObject({ ok: true, error: null, registry: '127.0.0.1:5000', user: 'ctf' });
    expect(Object.values(json.checks).every((c) => c.ok)).toBe(true);
    expect(json.images.map((i) => [i.slug, i.reference, i.present])).toEqual([
      ['web-warmup', '127.0.0.1:5000/challenges/web-warmup:latest', true],
      ['pwn-echo', '127.0.0.1:5000/challenges/pwn-echo:latest', true],
    ]);
    for (const image of json.images) expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stdout).not.toContain(PASSWORD);
  });

  test.for([
    ['registry-auth-broken', 'credentials', 'registry 127.0.0.1:5000 refused credentials for user ctf'],
    ['registry-down', 'host', 'registry 127.0.0.1:5000 unreachable: [Errno 111] Connection refused'],
    ['challenge-missing', 'images', 'registry 127.0.0.1:5000 lacks challenge image(s): 127.0.0.1:5000/challenges/pwn-echo:latest'],
  ] as const)('%s: exit 1, the failed check and a message saying what failed', async ([variant, failed, message]) => {
    const { exitCode, json, stderr } = await arena<Check>(variant, 'registry', 'check');
    expect(exitCode).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.error).toBe(message);
    expect(stderr.trim()).toBe(`arena: ${message}`);
    const order = ['host', 'credentials', 'images'] as const;
    // Checks before the failed one passed; the failed one carries the message; later ones never ran.
    for (const name of order.slice(0, order.indexOf(failed))) expect(json.checks[name].ok, name).toBe(true);
    expect(json.checks[failed]).toEqual({ ok: false, detail: message });
    for (const name of order.slice(order.indexOf(failed) + 1)) expect(json.checks[name]).toEqual({ ok: false, detail: 'not checked' });
  });

  test('one stable shape whatever fails', async () => {
    const healthy = shape((await arena<Check>('healthy', 'registry', 'check')).json);
    for (const variant of MUTANTS) {
      const { json } = await arena<Check>(variant, 'registry', 'check');
      // The image list may be empty when the check stopped early; every other key is always there.
      const stable = (keys: string[]): string[] => keys.filter((k) => !k.startsWith('.images[]'));
      expect(stable(shape(json)), variant).toEqual(stable(healthy));
    }
    // A configuration the check cannot even start from: the same shape, nothing checked, the reason.
    const broken = await nodes.get('healthy')!.exec(['sh', '-c', 'grep -v ^ARENA_REGISTRY_CA= /etc/arena/arena.env > /tmp/broken.env && ARENA_ENV_FILE=/tmp/broken.env arena registry check --json']);
    expect(broken.exitCode).toBe(1);
    const unconfigured = JSON.parse(broken.stdout) as Check;
    expect(unconfigured).toMatchObject({ ok: false, registry: '127.0.0.1:5000', user: 'ctf', error: '/tmp/broken.env: registry configuration invalid: ARENA_REGISTRY_CA', images: [] });
    expect(Object.values(unconfigured.checks).map((c) => c.detail)).toEqual(['not checked', 'not checked', 'not checked']);
    expect(shape(unconfigured)).toEqual(healthy.filter((k) => !k.startsWith('.images[]')));
    const missing = (await arena<Check>('challenge-missing', 'registry', 'check')).json;
    expect(shape(missing)).toEqual(healthy);
    expect(missing.images.map((i) => [i.slug, i.present, i.digest === null])).toEqual([['web-warmup', true, false], ['pwn-echo', false, true]]);
  });
});

describe('the rest of node A\'s verbs', () => {
  test('env validate registry passes on the node; an unknown role is refused with a reason', async () => {
    expect(await arena('healthy', 'env', 'validate', 'registry')).toMatchObject({ exitCode: 0, json: { ok: true, role: 'registry', missing: [], invalid: [] } });
    const other = await arena<{ ok: boolean; error: string }>('healthy', 'env', 'validate', 'vpn');
    expect(other.exitCode).toBe(1);
    expect(other.json.error).toBe("node A validates role 'registry' only, not 'vpn'");
  });

  test('challenge build is deterministic; push uploads only what the registry lacks, then the image is there', async () => {
    interface Build { ok: boolean; manifest: string; layers: { digest: string }[] }
    interface Push { ok: boolean; manifest: string; uploaded: string[]; mounted: string[]; present: string[]; reference: string }
    const first = await arena<Build>('healthy', 'challenge', 'build', 'crypto-intro');
    const second = await arena<Build>('healthy', 'challenge', 'build', 'crypto-intro');
    expect(first.json.ok).toBe(true);
    expect(second.json.manifest).toBe(first.json.manifest);
    const push = await arena<Push>('healthy', 'challenge', 'push', 'crypto-intro');
    expect(push.exitCode, push.stdout).toBe(0);
    expect(push.json).toMatchObject({ ok: true, manifest: first.json.manifest, reference: '127.0.0.1:5000/challenges/crypto-intro:latest' });
    // Both layers (the runtime and the server) are the same for every challenge: mounted from one seeded
    // at boot, not sent again. Only the image config, which names the challenge, is new.
    const layers = first.json.layers.map((l) => l.digest);
    expect(push.json.mounted).toEqual(layers);
    expect(push.json.uploaded).toHaveLength(1);
    expect(layers).not.toContain(push.json.uploaded[0]);
    const again = await arena<Push>('healthy', 'challenge', 'push', 'crypto-intro');
    expect(again.json).toMatchObject({ uploaded: [], mounted: [] });
    expect((await arena<Check>('healthy', 'registry', 'check')).json.ok).toBe(true);
  });

  test('a challenge image runs on Docker: its service greets a connection with the challenge\'s banner', async () => {
    // `docker load` takes what the node built (its blobs, as a docker-archive), as B's daemon will take it from the registry.
    const tag = `fleetgate-node-a-test/pwn-echo:${RUN}`;
    const archive = await nodes.get('healthy')!.exec(['python3', '-c', TO_DOCKER_ARCHIVE, '/var/lib/arena/challenges/pwn-echo', tag, '/tmp/pwn-echo.tar']);
    expect(archive.exitCode, archive.stderr).toBe(0);
    const local = join(mkdtempSync(join(tmpdir(), 'fleetgate-node-a-')), 'pwn-echo.tar');
    try {
      await execa('docker', ['cp', `${nodes.get('healthy')!.getId()}:/tmp/pwn-echo.tar`, local]);
      await execa('docker', ['load', '-q', '-i', local]);
      // No shell in the image (testcontainers' port check needs one): the server says when it listens.
      const instance = await new GenericContainer(tag).withLabels({ [LABEL_RUN]: `${RUN}-instance` }).withExposedPorts(1337)
        .withWaitStrategy(Wait.forLogMessage('arena challenge pwn-echo listening on 1337')).withStartupTimeout(30_000).start();
      const banner = await new Promise<string>((resolve, reject) => {
        const socket = connect(instance.getMappedPort(1337), '127.0.0.1');
        socket.on('data', (data) => resolve(data.toString()));
        socket.on('error', reject);
      });
      expect(banner).toBe('arena challenge pwn-echo\n');
    } finally {
      await removeRun(`${RUN}-instance`);
      await execa('docker', ['rmi', '-f', tag], { reject: false });
      rmSync(dirname(local), { recursive: true, force: true });
    }
  });

  test('push of a challenge never built, and build of one not in the catalogue, fail with a reason', async () => {
    const push = await arena<{ ok: boolean; error: string }>('challenge-missing', 'challenge', 'push', 'crypto-intro');
    expect(push.exitCode).toBe(1);
    expect(push.json.error).toBe("challenge 'crypto-intro' is not built: run `arena challenge build crypto-intro` first");
    const build = await arena<{ ok: boolean; error: string }>('healthy', 'challenge', 'build', 'no-such');
    expect(build.exitCode).toBe(1);
    expect(build.json.error).toMatch(/^unknown challenge 'no-such' \(catalogue: .*pwn-echo.*\)$/);
  });

  test('with the password it was seeded with rotated away, a push is refused for that reason', async () => {
    const push = await arena<{ ok: boolean; error: string }>('registry-auth-broken', 'challenge', 'push', 'web-warmup');
    expect(push.exitCode).toBe(1);
    expect(push.json.error).toBe('registry 127.0.0.1:5000 refused credentials for user ctf');
  });
});
