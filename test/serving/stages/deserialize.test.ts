import { describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';
import { createDeserializeStage } from '../../../src/serving/stages/deserialize.js';
import { RequestFailure, TENSOR_CONTENT_TYPE, type RequestState, type StageContext } from '../../../src/serving/stage.js';

// A 3x2x2 model input: tensor bodies must hold exactly 12 float32 values (48 bytes).
const ctx: StageContext = { spec: ProfileSpec.parse({}), inputShape: [3, 2, 2], scratchDir: '/nonexistent' };
const stage = createDeserializeStage(ctx);

function run(contentType: string, body: Buffer): RequestState {
  const state: RequestState = { id: 1, request: { contentType, body } };
  // Deserialize is synchronous (run returns void): were it not, state would be unfilled here and
  // every expectation would fail.
  void stage.run(state);
  return state;
}

function failure(contentType: string, body: Buffer): RequestFailure {
  try {
    run(contentType, body);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestFailure);
    expect((error as RequestFailure).stage).toBe('deserialize');
    return error as RequestFailure;
  }
  throw new Error('expected a RequestFailure');
}

describe('deserialize stage', () => {
  it.each(['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream', 'IMAGE/JPEG; charset=binary'])('passes %s bodies through as the payload', (type) => {
    const body = Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]);
    const state = run(type, body);
    expect(state.payload).toEqual(body);
    expect(state.tensor).toBeUndefined();
  });

  it('decodes the base64 image field of a JSON body', () => {
    const image = Buffer.from([9, 8, 7, 6, 5]);
    const state = run('application/json', Buffer.from(JSON.stringify({ image: image.toString('base64') })));
    expect(state.payload).toEqual(image);
  });

  it('rejects bad JSON and JSON without an image field', () => {
    expect(failure('application/json', Buffer.from('{"image": ')).reason).toMatch(/not valid JSON/);
    expect(failure('application/json', Buffer.from('{"img": "AAAA"}')).reason).toMatch(/'image'/);
    expect(failure('application/json', Buffer.from('[1, 2]')).reason).toMatch(/'image'/);
    expect(failure('application/json', Buffer.from('{"image": ""}')).reason).toMatch(/empty/);
  });

  it('reads a tensor body as float32 values, aligned or not', () => {
    const values = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);
    const bytes = Buffer.from(values.buffer);
    const viewed = run(TENSOR_CONTENT_TYPE, bytes).tensor!;
    expect(Array.from(viewed)).toEqual(Array.from(values));
    expect(viewed.buffer).toBe(values.buffer); // aligned: a view, no copy
    // A body at an odd offset inside a larger buffer cannot be viewed as float32: it is copied.
    const unaligned = Buffer.alloc(bytes.byteLength + 1);
    bytes.copy(unaligned, 1);
    expect(Array.from(run(TENSOR_CONTENT_TYPE, unaligned.subarray(1)).tensor!)).toEqual(Array.from(values));
  });

  it('rejects tensor bodies of the wrong length', () => {
    expect(failure(TENSOR_CONTENT_TYPE, Buffer.alloc(44)).reason).toMatch(/expected 12 float32 values \(3x2x2\)/);
    expect(failure(TENSOR_CONTENT_TYPE, Buffer.alloc(50)).reason).toMatch(/50 bytes/);
  });

  it('rejects unknown content types and empty image bodies, naming the type', () => {
    expect(failure('text/plain', Buffer.from('hi')).reason).toBe("unsupported content type 'text/plain'");
    expect(failure('image/jpeg', Buffer.alloc(0)).reason).toMatch(/empty/);
  });
});
