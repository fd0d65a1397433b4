// The base tag hashes every input that changes the image; a node image's tag hashes its folder and build args.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { baseImage, baseRecipe, currentBaseRecipe, dockerfileImage, type BaseInputs } from '../../reference/images/recipe.ts';

const inputs: BaseInputs = { suite: 'bookworm', packages: ['ca-certificates', 'python3'], mirror: 'http://deb.debian.org/debian', builder: 'builder-1' };
const tagOf = (changed: Partial<BaseInputs> = {}): string => baseImage(baseRecipe({ ...inputs, ...changed })).tag;

describe('base image tag', () => {
  test('is a stable hash of the inputs', () => {
    expect(tagOf()).toMatch(/^fleetgate\/arena-base:[0-9a-f]{12}$/);
    expect(tagOf()).toBe(tagOf({}));
  });

  test.for([
    ['suite', { suite: 'trixie' }],
    ['package list', { packages: [...inputs.packages, 'curl'] }],
    ['mirror', { mirror: 'http://mirror.example/debian' }],
    ['build code', { builder: 'builder-2' }],
  ] as const)('changes with the %s', ([, changed]) => {
    expect(tagOf(changed)).not.toBe(tagOf());
  });

  test('changes with each build step: debootstrap options, removed paths, import changes', () => {
    const recipe = baseRecipe(inputs);
    const tag = baseImage(recipe).tag;
    expect(baseImage({ ...recipe, debootstrap: ['--variant=buildd', ...recipe.debootstrap.slice(1)] }).tag).not.toBe(tag);
    expect(baseImage({ ...recipe, remove: recipe.remove.slice(1) }).tag).not.toBe(tag);
    expect(baseImage({ ...recipe, changes: [...recipe.changes, 'ENV LANG=C.UTF-8'] }).tag).not.toBe(tag);
  });

  test('of this checkout follows FLEETGATE_DEBIAN_MIRROR', () => {
    const here = currentBaseRecipe({});
    const mirrored = currentBaseRecipe({ FLEETGATE_DEBIAN_MIRROR: 'http://mirror.example/debian' });
    expect(mirrored.mirror).toBe('http://mirror.example/debian');
    expect(baseImage(mirrored).tag).not.toBe(baseImage(here).tag);
  });
});

describe('node image tag', () => {
  test('changes with its folder and with the base it is built on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetgate-node-image-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\n');
    const base = baseImage(baseRecipe(inputs));
    const first = dockerfileImage('node-x', dir, base);
    expect(first.tag).toMatch(/^fleetgate\/arena-node-x:[0-9a-f]{12}$/);
    expect(first.args).toContain(`BASE=${base.tag}`);
    expect(dockerfileImage('node-x', dir, baseImage(baseRecipe({ ...inputs, mirror: 'http://mirror.example/debian' }))).tag).not.toBe(first.tag);
    writeFileSync(join(dir, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nRUN true\n');
    expect(dockerfileImage('node-x', dir, base).tag).not.toBe(first.tag);
  });

  test('changes with a shared folder it carries', () => {
    const root = mkdtempSync(join(tmpdir(), 'fleetgate-node-image-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const [dir, common] = [join(root, 'node-x'), join(root, 'node-common')];
    mkdirSync(dir);
    mkdirSync(common);
    writeFileSync(join(dir, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY node-common /opt/common\n');
    writeFileSync(join(common, 'lib.sh'), 'echo one\n');
    const base = baseImage(baseRecipe(inputs));
    const first = dockerfileImage('node-x', dir, base, [common]);
    expect(first.shared).toEqual([common]);
    expect(dockerfileImage('node-x', dir, base).tag, 'without the shared folder').not.toBe(first.tag);
    writeFileSync(join(common, 'lib.sh'), 'echo two\n');
    expect(dockerfileImage('node-x', dir, base, [common]).tag).not.toBe(first.tag);
  });
});
