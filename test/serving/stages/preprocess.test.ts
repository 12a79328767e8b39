import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_AN_IMAGE } from '../../../src/serving/images/preprocessImage.js';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';
import { createDeserializeStage } from '../../../src/serving/stages/deserialize.js';
import { createPreprocessStage, encodeClientRequest, preprocessImage } from '../../../src/serving/stages/preprocess.js';
import { normalisedChw } from '../../../src/serving/images/normalisedChw.js';
import { RequestFailure, TENSOR_CONTENT_TYPE, type PreprocessConfig, type RequestState, type StageContext } from '../../../src/serving/stage.js';
import { GRAY_VALUE, makeFixtureImages, SOLID_RGB, type FixtureName } from '../../fixtures/images/makeImages.js';

let dir: string;
let paths: Record<FixtureName, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-preprocess-'));
  paths = await makeFixtureImages(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (name: FixtureName): Promise<Buffer> => readFile(paths[name]);

const IMAGENET: PreprocessConfig = { width: 16, height: 12, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'cover' };
/** mean 0, std 1: tensor values are plain v/255, easy to read. */
const UNIT: PreprocessConfig = { width: 8, height: 16, channels: 3, mean: [0, 0, 0], std: [1, 1, 1], resize: 'fill' };

/** The value of channel c at (x, y) in a CHW tensor. */
function at(tensor: Float32Array, config: PreprocessConfig, c: number, x: number, y: number): number {
  return tensor[c * config.width * config.height + y * config.width + x]!;
}

function plane(tensor: Float32Array, config: PreprocessConfig, c: number): number[] {
  const size = config.width * config.height;
  return Array.from(tensor.subarray(c * size, (c + 1) * size));
}

async function failureOf(promise: Promise<unknown>): Promise<RequestFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestFailure);
  expect((error as RequestFailure).stage).toBe('preprocess');
  return error as RequestFailure;
}

describe('preprocessImage', () => {
  it.each(['cover', 'fill'] as const)('a solid colour gives exactly (v/255 - mean) / std in every pixel of each channel (%s)', async (resize) => {
    const config = { ...IMAGENET, resize };
    const tensor = await preprocessImage(await bytes('solid.png'), config);
    expect(tensor).toHaveLength(3 * 12 * 16);
    for (let c = 0; c < 3; c++) {
      // e.g. red: (200/255 - 0.485) / 0.229 = 1.30706..., stored as float32.
      const expected = Math.fround((SOLID_RGB[c]! / 255 - config.mean[c]!) / config.std[c]!);
      expect(new Set(plane(tensor, config, c))).toEqual(new Set([expected]));
    }
  });

  it('contain letterboxes with black: only image and padding values appear, both of them', async () => {
    const config = { ...IMAGENET, width: 16, height: 16, resize: 'contain' as const };
    const tensor = await preprocessImage(await bytes('solid.png'), config); // 300x200 into 16x16: 16x11 + 5 rows of padding
    const red = plane(tensor, config, 0);
    const image = Math.fround((SOLID_RGB[0] / 255 - 0.485) / 0.229);
    const padding = Math.fround((0 - 0.485) / 0.229);
    expect(new Set(red)).toEqual(new Set([image, padding]));
    expect(red.filter((v) => v === padding)).toHaveLength(16 * 5);
  });

  it('applies EXIF orientation 6: the 48x24 red|blue image becomes red over blue', async () => {
    const tensor = await preprocessImage(await bytes('orientation6.jpg'), UNIT);
    // Unrotated it would be red on the left and blue on the right, top and bottom alike.
    for (const x of [0, UNIT.width - 1]) {
      expect(at(tensor, UNIT, 0, x, 0)).toBeGreaterThan(0.9); // top: red
      expect(at(tensor, UNIT, 2, x, 0)).toBeLessThan(0.1);
      expect(at(tensor, UNIT, 0, x, UNIT.height - 1)).toBeLessThan(0.1); // bottom: blue
      expect(at(tensor, UNIT, 2, x, UNIT.height - 1)).toBeGreaterThan(0.9);
    }
  });

  it('expands a one-channel grayscale PNG to three equal channels', async () => {
    const tensor = await preprocessImage(await bytes('gray.png'), IMAGENET);
    for (let c = 0; c < 3; c++) {
      const expected = Math.fround((GRAY_VALUE / 255 - IMAGENET.mean[c]!) / IMAGENET.std[c]!);
      expect(new Set(plane(tensor, IMAGENET, c))).toEqual(new Set([expected]));
    }
  });

  it('flattens alpha onto white: the transparent half is white, the opaque half stays red', async () => {
    const config = { ...UNIT, width: 8, height: 4 };
    const tensor = await preprocessImage(await bytes('rgba.png'), config);
    expect([0, 1, 2].map((c) => at(tensor, config, c, 0, 0))).toEqual([1, 1, 1]);
    expect([0, 1, 2].map((c) => at(tensor, config, c, 7, 3))).toEqual([1, 0, 0]);
  });

  it('decodes WebP and upscales a 1x1 PNG', async () => {
    const webp = await preprocessImage(await bytes('photo.webp'), IMAGENET);
    expect(webp).toHaveLength(3 * 12 * 16);
    expect(webp.every(Number.isFinite)).toBe(true);
    const tiny = await preprocessImage(await bytes('tiny.png'), UNIT);
    expect(new Set(plane(tiny, UNIT, 1))).toEqual(new Set([Math.fround(200 / 255)]));
  });

  it('collapses colour to one channel for a one-channel model', async () => {
    const config = { ...UNIT, channels: 1 };
    const tensor = await preprocessImage(await bytes('solid.png'), config);
    expect(tensor).toHaveLength(8 * 16);
    expect(new Set(tensor).size).toBe(1);
  });

  it('fails cleanly, with a stable reason read from the header, on truncated, non-image and oversized inputs', async () => {
    expect((await failureOf(preprocessImage(await bytes('truncated.jpg'), IMAGENET))).reason).toBe('corrupt or truncated JPEG image');
    expect((await failureOf(preprocessImage(await bytes('not-an-image.bin'), IMAGENET))).reason).toBe(NOT_AN_IMAGE);
    const bomb = await bytes('bomb.png');
    const { width, height } = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect((await failureOf(preprocessImage(bomb, IMAGENET))).reason).toBe(`image is ${width}x${height}, above the 100000000-pixel limit`);
  });

  it('gives each of several failing decodes at once its own reason (libvips shares one error buffer across threads)', async () => {
    const inputs = ['truncated.jpg', 'not-an-image.bin', 'bomb.png'] as const;
    const buffers = await Promise.all(inputs.map((name) => bytes(name)));
    const failures = await Promise.all(Array.from({ length: 24 }, (_, i) => failureOf(preprocessImage(buffers[i % 3]!, IMAGENET))));
    const reasonsByInput = inputs.map((_, k) => new Set(failures.filter((_, i) => i % 3 === k).map((f) => f.reason)));
    expect(reasonsByInput.map((set) => set.size)).toEqual([1, 1, 1]);
    expect([...reasonsByInput[0]!]).toEqual(['corrupt or truncated JPEG image']);
  });
});

describe('preprocess stage', () => {
  const context = (where: 'server' | 'client'): StageContext => ({
    spec: ProfileSpec.parse({ pipeline: { preprocess: { where } } }),
    inputShape: [3, 12, 16],
    scratchDir: dir,
  });
  const state = (payload?: Buffer): RequestState => ({ id: 1, request: { contentType: 'image/png', body: payload ?? Buffer.alloc(0) }, payload, config: IMAGENET });

  it('server: decodes the payload with the loaded config into state.tensor', async () => {
    const s = state(await bytes('solid.png'));
    await createPreprocessStage(context('server')).run(s);
    expect(s.tensor).toEqual(await preprocessImage(await bytes('solid.png'), IMAGENET));
  });

  it('server: a corrupt payload fails the request in preprocess', async () => {
    const stage = createPreprocessStage(context('server'));
    expect((await failureOf(Promise.resolve(stage.run(state(await bytes('truncated.jpg')))))).reason).toBe('corrupt or truncated JPEG image');
    const noConfig = { ...state(await bytes('solid.png')), config: undefined };
    expect((await failureOf(Promise.resolve(stage.run(noConfig)))).reason).toMatch(/no preprocessing config/);
  });

  it('client: leaves the tensor the client sent as it is, and refuses image bytes', async () => {
    const stage = createPreprocessStage(context('client'));
    const tensor = new Float32Array(3 * 12 * 16).fill(0.25);
    const s = { ...state(undefined), tensor };
    await stage.run(s);
    expect(s.tensor).toBe(tensor);
    expect((await failureOf(Promise.resolve(stage.run(state(await bytes('solid.png')))))).reason).toMatch(/expects tensor requests/);
  });

  it('client requests carry exactly the tensor the server would have computed', async () => {
    const image = await bytes('photo.jpg');
    const wire = await encodeClientRequest(image, IMAGENET);
    expect(wire.contentType).toBe(TENSOR_CONTENT_TYPE);
    expect(wire.body.byteLength).toBe(4 * 3 * 12 * 16);
    const s: RequestState = { id: 1, request: wire };
    // Synchronous (run returns void): were it not, s.tensor would be unset and this fails.
    void createDeserializeStage(context('client')).run(s);
    expect(Array.from(s.tensor!)).toEqual(Array.from(await preprocessImage(image, IMAGENET)));
  });
});

describe('normalisedChw', () => {
  it('de-interleaves HWC into CHW planes and normalises per channel', () => {
    // Two pixels (255,0,51) and (0,255,102); mean [0.5, 0, 0.2], std [0.5, 1, 0.1]:
    // R: (1-0.5)/0.5 = 1, (0-0.5)/0.5 = -1;  G: 0, 1;  B: (0.2-0.2)/0.1 = 0, (0.4-0.2)/0.1 = 2.
    const chw = normalisedChw(Uint8Array.from([255, 0, 51, 0, 255, 102]), 2, { channels: 3, mean: [0.5, 0, 0.2], std: [0.5, 1, 0.1] });
    expect(Array.from(chw)).toEqual([1, -1, 0, 1, 0, 2].map(Math.fround));
  });

  it('handles a single channel and refuses a wrong byte count', () => {
    const norm = { channels: 1, mean: [0, 0, 0], std: [1, 1, 1] } as const;
    expect(Array.from(normalisedChw(Uint8Array.from([0, 255]), 2, norm))).toEqual([0, 1]);
    expect(() => normalisedChw(Uint8Array.from([0, 255, 3]), 2, norm)).toThrow(/3 bytes/);
  });
});
