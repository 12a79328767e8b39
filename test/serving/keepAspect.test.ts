import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preprocessImage } from '../../src/serving/images/preprocessImage.js';
import type { PreprocessConfig } from '../../src/serving/stage.js';

/** --resize keep-aspect:<multiple>: the long side fitted, the image at the top left, padded right and bottom. */

const pixels = (resize: PreprocessConfig['resize']): PreprocessConfig => ({
  width: 64,
  height: 64,
  channels: 3,
  // Raw pixel values out (v/255 - 0) / (1/255) = v, so the test reads the image itself.
  mean: [0, 0, 0],
  std: [1 / 255, 1 / 255, 1 / 255],
  resize,
});

describe('keep-aspect resize', () => {
  it('a 100x50 red image in a 64x64 box: red in the top 32 rows, padding (0) below; contain centres it instead', async () => {
    const red = await sharp({ create: { width: 100, height: 50, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const at = (tensor: Float32Array, row: number, col: number) => Math.round(tensor[row * 64 + col]!); // channel 0 (red)
    const keep = await preprocessImage(red, pixels('keep-aspect:32'));
    expect([at(keep, 0, 0), at(keep, 31, 63), at(keep, 33, 0), at(keep, 63, 63)]).toEqual([255, 255, 0, 0]);
    const contain = await preprocessImage(red, pixels('contain'));
    expect([at(contain, 0, 0), at(contain, 32, 32), at(contain, 63, 0)]).toEqual([0, 255, 0]);
  });
});
