import sharp from 'sharp';
import { normal, seededRandom, type Random } from '../../util/random.js';

/**
 * Seeded synthetic photos: JPEGs whose sizes spread around a mean like the article's workload
 * (~1.2 MB, 1080p-ish). Every pixel comes from the seeded PRNG (smooth per-channel gradients plus
 * uniform noise), so a seed gives the same bytes on a given sharp/libjpeg build. The noise
 * amplitude sets the JPEG size: for each image it is chosen by bisection on a small tile rendered
 * the same way, then the full image is rendered once.
 */

/** Density of a 1.2 MB 1920x1080 photo; resolutions scale with meanBytes so small corpora stay small. */
export const SYNTHETIC_BYTES_PER_PIXEL = 1_200_000 / (1920 * 1080);

/** Spread of per-image target sizes: lognormal with this sigma, mean 1, clamped to [0.4, 2.5]. */
const SIZE_SIGMA = 0.3;
const ASPECTS = [16 / 9, 4 / 3, 3 / 2, 3 / 4, 9 / 16, 1] as const;
const MIN_SIDE_PX = 16;
const CALIBRATION_TILE_PX = 128;
const CALIBRATION_STEPS = 6;
const MAX_NOISE_AMPLITUDE = 128;
/** Headers and tables of a sharp JPEG (measured: 265 bytes for an 8x8 image), excluded from a tile's density. */
const JPEG_OVERHEAD_BYTES = 250;

export interface SyntheticImagePlan {
  name: string;
  width: number;
  height: number;
  quality: number;
  targetBytes: number;
  /** Per channel: value at the top-left, change across the width, change down the height. */
  gradient: { base: number[]; acrossX: number[]; acrossY: number[] };
  noiseSeed: number;
}

export interface SyntheticImage {
  name: string;
  bytes: Buffer;
}

/**
 * Pure: the i-th plan depends only on the seed and i (values are drawn image by image), so the
 * first 8 images of a 32-image corpus are the 8 images of an 8-image corpus with the same seed.
 */
export function planSyntheticImages(options: { count: number; seed: number; meanBytes: number }): SyntheticImagePlan[] {
  const random = seededRandom(options.seed);
  const plans: SyntheticImagePlan[] = [];
  for (let i = 0; i < options.count; i++) {
    const factor = Math.min(2.5, Math.max(0.4, Math.exp(SIZE_SIGMA * normal(random) - (SIZE_SIGMA * SIZE_SIGMA) / 2)));
    const targetBytes = Math.round(options.meanBytes * factor);
    const aspect = ASPECTS[Math.floor(random() * ASPECTS.length)]!;
    const pixels = (targetBytes / SYNTHETIC_BYTES_PER_PIXEL) * (0.85 + 0.3 * random());
    const width = Math.max(MIN_SIDE_PX, Math.round(Math.sqrt(pixels * aspect)));
    const height = Math.max(MIN_SIDE_PX, Math.round(width / aspect));
    const quality = 78 + Math.floor(random() * 15);
    const channel = (): [number, number, number] => [random(), random(), random()];
    const gradient = {
      base: channel().map((r) => 40 + 175 * r),
      acrossX: channel().map((r) => 120 * (r - 0.5)),
      acrossY: channel().map((r) => 120 * (r - 0.5)),
    };
    const noiseSeed = Math.floor(random() * 4294967296);
    plans.push({ name: `synthetic-${String(i).padStart(3, '0')}.jpg`, width, height, quality, targetBytes, gradient, noiseSeed });
  }
  return plans;
}

/**
 * Renders all plans. JS renders image i+1 while libvips encodes image i on its own thread, so
 * both cores stay busy.
 */
export async function generateSyntheticImages(plans: readonly SyntheticImagePlan[]): Promise<SyntheticImage[]> {
  const images: SyntheticImage[] = [];
  let encoding: Promise<void> = Promise.resolve();
  for (const plan of plans) {
    const amplitude = await calibrateNoise(plan);
    const pixels = renderPixels(plan, plan.width, plan.height, amplitude, plan.noiseSeed);
    await encoding;
    encoding = encodeJpeg(pixels, plan.width, plan.height, plan.quality).then((bytes) => {
      images.push({ name: plan.name, bytes });
    });
  }
  await encoding;
  return images;
}

/** The noise amplitude whose tile encodes at the plan's bytes per pixel (bisection). */
async function calibrateNoise(plan: SyntheticImagePlan): Promise<number> {
  const side = Math.min(CALIBRATION_TILE_PX, plan.width, plan.height);
  const tileSeed = (plan.noiseSeed ^ 0x9e3779b9) >>> 0;
  const targetBytesPerPixel = plan.targetBytes / (plan.width * plan.height);
  let low = 0;
  let high = MAX_NOISE_AMPLITUDE;
  for (let step = 0; step < CALIBRATION_STEPS; step++) {
    const amplitude = (low + high) / 2;
    const tile = await encodeJpeg(renderPixels(plan, side, side, amplitude, tileSeed), side, side, plan.quality);
    if ((tile.byteLength - JPEG_OVERHEAD_BYTES) / (side * side) < targetBytesPerPixel) low = amplitude;
    else high = amplitude;
  }
  return (low + high) / 2;
}

/** Interleaved RGB: the plan's gradient (scaled to this width and height) plus seeded uniform noise. */
function renderPixels(plan: SyntheticImagePlan, width: number, height: number, amplitude: number, noiseSeed: number): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(width * height * 3);
  const noise = noiseTable(amplitude);
  const random: Random = seededRandom(noiseSeed);
  const { base, acrossX, acrossY } = plan.gradient;
  // Channels unrolled into locals: this loop writes ~6 million values per 1080p image.
  const [baseR, baseG, baseB] = base as [number, number, number];
  const [downR, downG, downB] = (acrossY as [number, number, number]).map((v) => v / height) as [number, number, number];
  const [stepR, stepG, stepB] = (acrossX as [number, number, number]).map((v) => v / width) as [number, number, number];
  let i = 0;
  for (let y = 0; y < height; y++) {
    let r = baseR + downR * y;
    let g = baseG + downG * y;
    let b = baseB + downB * y;
    for (let x = 0; x < width; x++) {
      // One PRNG draw gives the noise bytes of a whole pixel: the PRNG is the cost here.
      const bits = (random() * 4294967296) >>> 0;
      pixels[i++] = r + noise[bits & 0xff]!;
      pixels[i++] = g + noise[(bits >>> 8) & 0xff]!;
      pixels[i++] = b + noise[bits >>> 24]!;
      r += stepR;
      g += stepG;
      b += stepB;
    }
  }
  return pixels;
}

/** Random byte → noise offset, uniform in [-amplitude, amplitude]. */
function noiseTable(amplitude: number): Float32Array {
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = (b / 255) * 2 * amplitude - amplitude;
  return table;
}

function encodeJpeg(pixels: Uint8ClampedArray, width: number, height: number, quality: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}
