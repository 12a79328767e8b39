/**
 * Interleaved 8-bit pixels (HWC, as sharp's raw() gives them) → planar float32 CHW with
 * per-channel normalisation (v/255 - mean[c]) / std[c]. This runs for every request on the hot
 * path (224·224·3 = 150,528 values), so it looks each byte up in a 256-entry table per channel
 * instead of dividing, and unrolls the 3-channel case.
 */
export interface Normalisation {
  channels: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** `out`: where to write (pixels x channels values), e.g. a batch-buffer slot; default a new array. */
export function normalisedChw(hwc: Uint8Array, pixels: number, norm: Normalisation, out?: Float32Array): Float32Array {
  const { channels } = norm;
  if (hwc.length !== pixels * channels) {
    throw new Error(`normalisedChw: ${hwc.length} bytes is not ${pixels} pixels x ${channels} channels`);
  }
  const table = normalisationTable(norm);
  if (out && out.length !== pixels * channels) throw new Error(`normalisedChw: output of ${out.length} values, expected ${pixels * channels}`);
  const chw = out ?? new Float32Array(pixels * channels);
  if (channels === 3) {
    const plane1 = pixels;
    const plane2 = 2 * pixels;
    for (let p = 0, i = 0; p < pixels; p++, i += 3) {
      chw[p] = table[hwc[i]!]!;
      chw[plane1 + p] = table[256 + hwc[i + 1]!]!;
      chw[plane2 + p] = table[512 + hwc[i + 2]!]!;
    }
    return chw;
  }
  for (let c = 0; c < channels; c++) {
    const plane = c * pixels;
    const offset = c * 256;
    for (let p = 0, i = c; p < pixels; p++, i += channels) chw[plane + p] = table[offset + hwc[i]!]!;
  }
  return chw;
}

/** The same values, channels last (for NHWC models): interleaved as decoded, one lookup per byte. */
export function normalisedHwc(hwc: Uint8Array, pixels: number, norm: Normalisation, out?: Float32Array): Float32Array {
  const { channels } = norm;
  if (hwc.length !== pixels * channels) {
    throw new Error(`normalisedHwc: ${hwc.length} bytes is not ${pixels} pixels x ${channels} channels`);
  }
  const table = normalisationTable(norm);
  if (out && out.length !== hwc.length) throw new Error(`normalisedHwc: output of ${out.length} values, expected ${hwc.length}`);
  const hwcOut = out ?? new Float32Array(hwc.length);
  for (let i = 0; i < hwc.length; i++) hwcOut[i] = table[(i % channels) * 256 + hwc[i]!]!;
  return hwcOut;
}

/** table[c * 256 + v] = (v/255 - mean[c]) / std[c], computed in double and stored as float32. */
export function normalisationTable(norm: Normalisation): Float32Array {
  const table = new Float32Array(norm.channels * 256);
  for (let c = 0; c < norm.channels; c++) {
    const mean = norm.mean[c] ?? norm.mean[0];
    const std = norm.std[c] ?? norm.std[0];
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean) / std;
  }
  return table;
}
