import { imageSize } from 'image-size';
import sharp, { type OutputInfo } from 'sharp';
import { RequestFailure, type PreprocessConfig } from '../stage.js';
import { normalisedChw, normalisedHwc } from './normalisedChw.js';

/**
 * Image bytes → normalised float32 tensor, CHW (or HWC for channels-last models). The server's preprocess stage and the client that
 * prepares client-side (thin-server) requests call this same function, so both paths do the same
 * work and produce the same numbers.
 */

/**
 * Inputs with more pixels (width × height, read from the header before decoding) are refused: a
 * decompression-bomb guard. 100 MP is twice a 50 MP camera photo; sharp's default (268 MP) would
 * let a single request allocate ~800 MB.
 */
export const MAX_INPUT_PIXELS = 100_000_000;

/** PIL's Image.resize default (bicubic), which the article's Python client used. */
export const RESIZE_KERNEL = 'cubic';

/**
 * Transparent pixels are composited onto white (what an image viewer shows). We flatten rather
 * than drop alpha: sharp flattens before resizing, while removeAlpha() runs after a premultiplied
 * resize and loses a level on semi-transparent pixels; and dropped alpha exposes whatever RGB a
 * transparent pixel happens to store (often black).
 */
export const ALPHA_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

/** Padding colour for fit 'contain' (letterboxing). */
export const CONTAIN_BACKGROUND = { r: 0, g: 0, b: 0, alpha: 1 } as const;

/** `into`: where the tensor goes (a batch-buffer slot), asked for only once the decode succeeded. */
export async function preprocessImage(bytes: Buffer, config: PreprocessConfig, into?: () => Float32Array): Promise<Float32Array> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, {
      // 'error' aborts on truncated or corrupt pixel data (a clean failure, not a grey half-image)
      // but tolerates mere warnings such as trailing junk after the end marker.
      failOn: 'error',
      limitInputPixels: MAX_INPUT_PIXELS,
    })
      .autoOrient()
      .flatten({ background: ALPHA_BACKGROUND })
      .resize(config.width, config.height, { ...sharpFit(config.resize), kernel: RESIZE_KERNEL, background: CONTAIN_BACKGROUND })
      // Grayscale inputs expand to 3 equal channels (and colour ones collapse for 1-channel models).
      .toColourspace(config.channels === 1 ? 'b-w' : 'srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new RequestFailure('preprocess', decodeFailureReason(bytes, error));
  }
  const { width, height, channels } = decoded.info;
  if (width !== config.width || height !== config.height || channels !== config.channels) {
    throw new RequestFailure('preprocess', `decoded to ${width}x${height}x${channels}, expected ${config.width}x${config.height}x${config.channels}`);
  }
  const out = into?.();
  return config.layout === 'nhwc' ? normalisedHwc(decoded.data, width * height, config, out) : normalisedChw(decoded.data, width * height, config, out);
}

/**
 * keep-aspect letterboxes at the top left (detection models' box coordinates start there, and the
 * padding is right and bottom); the other modes are sharp's own fits, centred.
 */
export function sharpFit(resize: PreprocessConfig['resize']): { fit: 'cover' | 'contain' | 'fill'; position?: string } {
  return resize.startsWith('keep-aspect:') ? { fit: 'contain', position: 'left top' } : { fit: resize as 'cover' | 'contain' | 'fill' };
}

/**
 * Why an image did not decode, in words that are the same every time for the same bytes: the
 * runner counts failures by reason, and the agent maps them to HTTP statuses. libvips' own text is
 * not stable under load (it keeps one error buffer for all threads: with several decodes failing
 * at once a truncated JPEG was reported as 'Unknown error' or with another image's message), so
 * the reason is classified from the header (image-size, pure JS) instead.
 */
export function decodeFailureReason(bytes: Buffer, error: unknown): string {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return NOT_AN_IMAGE;
  }
  const { width, height, type } = size;
  if (width * height > MAX_INPUT_PIXELS) return `image is ${width}x${height}, above the ${MAX_INPUT_PIXELS}-pixel limit`;
  if (!DECODABLE.has(type ?? '')) return `unsupported image format '${type}' (${shortSharpMessage(error)})`;
  return `corrupt or truncated ${(type === 'jpg' ? 'jpeg' : type!).toUpperCase()} image`;
}

export const NOT_AN_IMAGE = 'not an image (no JPEG, PNG, WebP, GIF, TIFF or AVIF header)';

/** Formats this build of sharp decodes; image-size's names. */
const DECODABLE = new Set(['jpg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif', 'svg']);

/** sharp/libvips messages can span lines; the first line is what is worth showing. */
export function shortSharpMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n', 1)[0]?.trim() ?? '';
  return firstLine.length > 0 ? firstLine.slice(0, 120) : 'image decode failed';
}
