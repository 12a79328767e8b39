import sharp from 'sharp';
import { AgentHttpError } from './httpError.js';

/**
 * Decompression-bomb guard for raw image bodies: a 20000x20000 PNG can be a 50 KB file that
 * decodes to 1.2 GB. The dimensions come from the image header alone (sharp's metadata() does not
 * decode pixels), so the request is refused with 413 before the pipeline, and before any decoder,
 * touches it.
 *
 * A body whose header sharp cannot read passes through: the pipeline's preprocess stage then fails
 * it like any other corrupt image, timed and counted.
 */
export async function checkImagePixels(body: Buffer, maxPixels: number): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    // limitInputPixels: false, or sharp would refuse to even report the size of a large image.
    const meta = await sharp(body, { limitInputPixels: false }).metadata();
    width = meta.width;
    // Animated images decode one page at a time: a page is what a decoder allocates.
    height = meta.pageHeight ?? meta.height;
  } catch {
    return;
  }
  if (width === undefined || height === undefined) return;
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new AgentHttpError(
      413,
      'image_too_large',
      `image is ${width}x${height} (${pixels} pixels), above the limit of ${maxPixels} pixels (--max-pixels); refused before decoding`,
    );
  }
}
