import { TENSOR_CONTENT_TYPE, type PreprocessConfig, type WireRequest } from '../stage.js';
import { preprocessImage } from './preprocessImage.js';

/**
 * The thin-server wire format (the article's Triton client): the client decodes and normalises,
 * and the body is the raw float32 CHW tensor. Float32 bytes are written and read in host order,
 * which is little-endian on every host this runs on (x86-64, arm64).
 */

export async function encodeClientRequest(bytes: Buffer, config: PreprocessConfig): Promise<WireRequest> {
  const tensor = await preprocessImage(bytes, config);
  return { contentType: TENSOR_CONTENT_TYPE, body: tensorBody(tensor) };
}

/** The tensor's bytes as a Buffer, without copying. */
export function tensorBody(tensor: Float32Array): Buffer {
  return Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength);
}

/**
 * A body's bytes as float32 values: a zero-copy view when the bytes are 4-byte aligned (the
 * usual case), else a copy (Buffers sliced from Node's shared pool can start anywhere).
 * Returns undefined when the length is not a whole number of float32 values.
 */
export function tensorFromBody(body: Buffer): Float32Array | undefined {
  if (body.byteLength % Float32Array.BYTES_PER_ELEMENT !== 0) return undefined;
  const length = body.byteLength / Float32Array.BYTES_PER_ELEMENT;
  if (body.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0) return new Float32Array(body.buffer, body.byteOffset, length);
  const copy = new Float32Array(length);
  new Uint8Array(copy.buffer).set(body);
  return copy;
}
