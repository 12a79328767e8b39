import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCorpus, loadCorpus, loadImageCorpus } from '../../../src/profile/corpus/imageCorpus.js';
import { planSyntheticImages } from '../../../src/profile/corpus/syntheticImages.js';
import { InputError } from '../../../src/util/errors.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cp-corpus-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('loadImageCorpus: dir', () => {
  it('loads the .jpg/.jpeg/.png/.webp files directly in the directory, sorted by name', async () => {
    const dir = await freshDir('mixed');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a0.jpg'), Buffer.from('in a subdirectory: not read'));
    await writeFile(join(dir, 'b.PNG'), Buffer.from('png bytes'));
    await writeFile(join(dir, 'a.jpeg'), Buffer.from('jpeg bytes'));
    await writeFile(join(dir, 'c.webp'), Buffer.from('webp bytes'));
    await writeFile(join(dir, 'd.jpg'), Buffer.from('jpg bytes'));
    await writeFile(join(dir, 'notes.txt'), 'not an image');
    const corpus = await loadImageCorpus({ kind: 'dir', path: dir }, root);
    expect(corpus.map((image) => image.name)).toEqual(['a.jpeg', 'b.PNG', 'c.webp', 'd.jpg']);
    expect(corpus[0]!.bytes.toString()).toBe('jpeg bytes');
  });

  it('a missing directory is an input error naming the path and the accepted extensions', async () => {
    const path = join(root, 'no-such-dir');
    const error = await inputError(loadImageCorpus({ kind: 'dir', path }, root));
    expect(error.message).toContain(path);
    expect(error.oneLine()).toContain('.jpg .jpeg .png .webp');
    // The hint names the flag the user typed, not the spec path behind it.
    expect(error.hint).toMatch(/^point --images \(images\.path in a preset\) at a directory/);
  });

  it('a directory without images is an input error naming the path and the accepted extensions', async () => {
    const dir = await freshDir('empty');
    await writeFile(join(dir, 'readme.txt'), 'hi');
    const error = await inputError(loadImageCorpus({ kind: 'dir', path: dir }, root));
    expect(error.message).toBe(`image directory '${dir}' holds no images (accepted extensions: .jpg .jpeg .png .webp; 1 other entry skipped)`);
  });

  it('the corpus line counts the images found and names what was skipped', async () => {
    const dir = await freshDir('some');
    await writeFile(join(dir, 'a.jpg'), 'x');
    await writeFile(join(dir, 'b.txt'), 'x');
    await writeFile(join(dir, 'c.gif'), 'x');
    const source = { kind: 'dir' as const, path: dir };
    const loaded = await loadCorpus(source, root);
    expect(loaded.images.map((i) => i.name)).toEqual(['a.jpg']);
    expect(describeCorpus(source, loaded)).toBe(`1 image(s) from ${dir} (2 skipped, not .jpg .jpeg .png .webp: b.txt, c.gif)`);
  });
});

describe('loadImageCorpus: synthetic', () => {
  const source = { kind: 'synthetic' as const, count: 4, seed: 5, meanBytes: 12_000 };

  it('generates decodable JPEGs, cached under the home directory', async () => {
    const home = await freshDir('home-a');
    const corpus = await loadImageCorpus(source, home);
    expect(corpus.map((image) => image.name)).toEqual(['synthetic-000.jpg', 'synthetic-001.jpg', 'synthetic-002.jpg', 'synthetic-003.jpg']);
    for (const image of corpus) expect((await sharp(image.bytes).metadata()).format).toBe('jpeg');
    const cacheDir = join(home, 'corpus', 'synthetic-seed5-n4-b12000');
    expect((await readdir(cacheDir)).sort()).toEqual(corpus.map((image) => image.name));
    // No temp directories left behind.
    expect(await readdir(join(home, 'corpus'))).toEqual(['synthetic-seed5-n4-b12000']);
  });

  it('reads the cache instead of generating again', async () => {
    const home = await freshDir('home-b');
    await loadImageCorpus(source, home);
    const marked = Buffer.from('a cached file, edited');
    await writeFile(join(home, 'corpus', 'synthetic-seed5-n4-b12000', 'synthetic-001.jpg'), marked);
    const again = await loadImageCorpus(source, home);
    expect(again[1]!.bytes).toEqual(marked);
  });

  it('the same seed gives the same bytes; another seed other bytes; a smaller count a prefix', async () => {
    const first = await loadImageCorpus(source, await freshDir('home-c'));
    const second = await loadImageCorpus(source, await freshDir('home-d'));
    expect(second.map((image) => image.bytes)).toEqual(first.map((image) => image.bytes));
    const otherSeed = await loadImageCorpus({ ...source, seed: 6 }, await freshDir('home-e'));
    expect(otherSeed[0]!.bytes.equals(first[0]!.bytes)).toBe(false);
    const fewer = await loadImageCorpus({ ...source, count: 2 }, await freshDir('home-f'));
    expect(fewer.map((image) => image.bytes)).toEqual(first.slice(0, 2).map((image) => image.bytes));
  });

  it('concurrent loads into one home both succeed with the same images', async () => {
    const home = await freshDir('home-g');
    const [a, b] = await Promise.all([loadImageCorpus(source, home), loadImageCorpus(source, home)]);
    expect(b.map((image) => image.bytes)).toEqual(a.map((image) => image.bytes));
    expect(await readdir(join(home, 'corpus'))).toEqual(['synthetic-seed5-n4-b12000']);
  });

  it('sizes spread around meanBytes', async () => {
    const corpus = await loadImageCorpus({ kind: 'synthetic', count: 12, seed: 2, meanBytes: 40_000 }, await freshDir('home-h'));
    const sizes = corpus.map((image) => image.bytes.byteLength);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(40_000 * 0.8);
    expect(mean).toBeLessThan(40_000 * 1.2);
    expect(Math.min(...sizes)).toBeLessThan(Math.max(...sizes) * 0.8);
  });
});

describe('planSyntheticImages', () => {
  it('plans 1080p-ish photos for the default 1.2 MB mean, with varied resolution and quality', () => {
    const plans = planSyntheticImages({ count: 32, seed: 1, meanBytes: 1_200_000 });
    const megapixels = plans.map((p) => (p.width * p.height) / 1e6);
    expect(Math.min(...megapixels)).toBeGreaterThan(0.7);
    expect(Math.max(...megapixels)).toBeLessThan(4.5);
    expect(megapixels.reduce((a, b) => a + b, 0) / plans.length).toBeCloseTo(2, 0);
    expect(new Set(plans.map((p) => p.quality)).size).toBeGreaterThan(5);
    expect(new Set(plans.map((p) => `${p.width}x${p.height}`)).size).toBe(32);
  });
});
