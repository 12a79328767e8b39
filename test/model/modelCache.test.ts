import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/util/errors.js';

// Count builds without changing what they produce (resnet50 returns a small stand-in: building
// the real 100 MB model here would only slow the test; resnet50.test.ts covers it).
const builds = vi.hoisted(() => ({ tiny: 0, resnet50: [] as number[] }));
vi.mock('../../src/model/tiny.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/model/tiny.js')>();
  return {
    ...real,
    buildTiny: (options: { seed: number }) => {
      builds.tiny += 1;
      return real.buildTiny(options);
    },
  };
});
vi.mock('../../src/model/resnet50.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/model/resnet50.js')>();
  return {
    ...real,
    buildResNet50: ({ seed }: { seed: number }) => {
      builds.resnet50.push(seed);
      return new TextEncoder().encode(`stand-in resnet50 seed ${seed}`);
    },
  };
});

const { resolveModelPath } = await import('../../src/model/modelCache.js');
const { buildTiny } = await import('../../src/model/tiny.js');

describe('resolveModelPath', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'capacity-plan-models-'));
    builds.tiny = 0;
    builds.resnet50 = [];
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('builds tiny on first use into <home>/models/tiny-seed1.onnx, once for concurrent callers', async () => {
    const [a, b] = await Promise.all([resolveModelPath('tiny', home), resolveModelPath('tiny', home)]);
    const expected = join(home, 'models', 'tiny-seed1.onnx');
    expect(a).toEqual({ path: expected, builtIn: 'tiny' });
    expect(b).toEqual(a);
    expect(builds.tiny).toBe(1);
    const onDisk = await readFile(expected);
    expect(onDisk.equals(Buffer.from(buildTiny({ seed: 1 })))).toBe(true);
  });

  it('reuses the cached file, and rebuilds it once deleted', async () => {
    const { path } = await resolveModelPath('tiny', home);
    const first = (await stat(path)).mtimeMs;
    await resolveModelPath('tiny', home);
    expect(builds.tiny).toBe(1);
    expect((await stat(path)).mtimeMs).toBe(first);
    await rm(path);
    await resolveModelPath('tiny', home);
    expect(builds.tiny).toBe(2);
  });

  it('builds resnet50 with seed 1 into <home>/models/resnet50-seed1.onnx', async () => {
    const resolved = await resolveModelPath('resnet50', home);
    expect(resolved).toEqual({ path: join(home, 'models', 'resnet50-seed1.onnx'), builtIn: 'resnet50' });
    expect(builds.resnet50).toEqual([1]);
    expect(await readFile(resolved.path, 'utf8')).toBe('stand-in resnet50 seed 1');
  });

  it('passes an existing file path through without building', async () => {
    const path = join(home, 'mine.onnx');
    await writeFile(path, 'not really onnx; the engine reports that');
    expect(await resolveModelPath(path, home)).toEqual({ path, builtIn: null });
    expect(builds.tiny + builds.resnet50.length).toBe(0);
  });

  it('names a missing model file and hints at the built-ins', async () => {
    const path = join(home, 'resnet-50.onnx');
    const error = await resolveModelPath(path, home).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`model file '${path}' not found`);
    expect((error as InputError).hint).toContain('--model resnet50|tiny');
    expect((error as InputError).exitCode).toBe(3);
  });

  it('rejects a directory', async () => {
    const dir = join(home, 'models.onnx');
    await mkdir(dir);
    await expect(resolveModelPath(dir, home)).rejects.toThrow(/is not a file/);
  });
});
