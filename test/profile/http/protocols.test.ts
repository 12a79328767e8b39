import { describe, expect, it } from 'vitest';
import { tensorBody, tensorFromBody } from '../../../src/serving/images/clientRequest.js';
import { judge, kserveTensorEncoder, shortestFloat32, wireProtocol } from '../../../src/profile/http/protocols.js';
import { TENSOR_CONTENT_TYPE, type WireRequest } from '../../../src/serving/stage.js';
import { seededRandom } from '../../../src/util/random.js';

const SHAPE: [number, number, number] = [3, 4, 5];
const LENGTH = 3 * 4 * 5;

/** Values like normalised pixels: (level / 255 - mean) / std, as float32. */
function normalisedTensor(seed: number): Float32Array {
  const random = seededRandom(seed);
  const tensor = new Float32Array(LENGTH);
  for (let i = 0; i < LENGTH; i++) tensor[i] = (Math.floor(random() * 256) / 255 - 0.485) / 0.229;
  return tensor;
}

const tensorRequest = (tensor: Float32Array): WireRequest => ({ contentType: TENSOR_CONTENT_TYPE, body: tensorBody(tensor) });
const jpegRequest: WireRequest = { contentType: 'image/jpeg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) };

describe('wire protocols: encoding', () => {
  it('raw: POST /v1/infer with the body and content type as they are (image or tensor)', () => {
    const raw = wireProtocol('raw', { itemShape: SHAPE });
    expect(raw.encode(jpegRequest)).toEqual({ path: '/v1/infer', contentType: 'image/jpeg', body: jpegRequest.body });
    const tensor = tensorRequest(normalisedTensor(1));
    const encoded = raw.encode(tensor);
    expect(encoded.contentType).toBe(TENSOR_CONTENT_TYPE);
    expect(encoded.body).toBe(tensor.body);
  });

  it('torchserve: POST /predictions/{name} with the image file, the name URL-encoded', () => {
    const ts = wireProtocol('torchserve', { modelName: 'my model/v2', itemShape: SHAPE });
    expect(ts.encode(jpegRequest)).toEqual({ path: '/predictions/my%20model%2Fv2', contentType: 'image/jpeg', body: jpegRequest.body });
    expect(() => wireProtocol('torchserve', { itemShape: SHAPE })).toThrow(/needs a model name/);
  });

  it('kserve-v2: JSON tensor [1,C,H,W] FP32 under the input name, every value read back exactly as the same float32', () => {
    const kserve = wireProtocol('kserve-v2', { modelName: 'tiny', inputName: 'input', itemShape: SHAPE });
    const tensor = normalisedTensor(2);
    const encoded = kserve.encode(tensorRequest(tensor));
    expect(encoded.path).toBe('/v2/models/tiny/infer');
    expect(encoded.contentType).toBe('application/json');
    const body = JSON.parse(encoded.body.toString('utf8'));
    expect(body).toEqual({ inputs: [{ name: 'input', shape: [1, 3, 4, 5], datatype: 'FP32', data: expect.any(Array) }] });
    const data = body.inputs[0].data as number[];
    expect(data).toHaveLength(LENGTH);
    expect(Float32Array.from(data)).toEqual(tensor);
  });

  it('kserve-v2: shorter than JSON.stringify of the float64 expansion', () => {
    const tensor = normalisedTensor(3);
    const ours = kserveTensorEncoder('input', SHAPE)(tensorRequest(tensor)).byteLength;
    const naive = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 4, 5], datatype: 'FP32', data: Array.from(tensor) }] }).length;
    expect(ours).toBeLessThan(naive * 0.75);
  });

  it('kserve-v2: refuses image bodies and tensors of the wrong length', () => {
    const encode = kserveTensorEncoder('input', SHAPE);
    expect(() => encode(jpegRequest)).toThrow(/sends tensors, not 'image\/jpeg' bodies/);
    expect(() => encode(tensorRequest(new Float32Array(7)))).toThrow(/28 bytes does not hold 3x4x5 float32 values/);
  });

  it('a tensor body read back with tensorFromBody is what was encoded', () => {
    const tensor = normalisedTensor(4);
    expect(tensorFromBody(tensorRequest(tensor).body)).toEqual(tensor);
  });
});

describe('shortestFloat32', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [0.5, '0.5'],
    [-2.5, '-2.5'],
    [Math.fround(0.1), '0.1'],
    [Math.fround(-2.1179039478302), '-2.117904'],
    [Math.fround(1e-7), '1e-7'],
    [Math.fround(123456789), '1.2345679e+8'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
  ])('%d → %s', (value, text) => {
    expect(shortestFloat32(value)).toBe(text);
  });

  it('round-trips every float32 in a seeded sample exactly', () => {
    const random = seededRandom(7);
    const buffer = new Uint32Array(1);
    const view = new Float32Array(buffer.buffer);
    for (let i = 0; i < 5000; i++) {
      buffer[0] = Math.floor(random() * 0xffffffff);
      const value = view[0]!;
      if (!Number.isFinite(value)) continue;
      const text = shortestFloat32(value);
      expect(Math.fround(Number(text))).toBe(value);
      expect(Number.isFinite(JSON.parse(text))).toBe(true);
    }
  });
});

describe('judge: responses to outcomes', () => {
  const body = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('2xx is success, whatever the body', () => {
    expect(judge({ status: 200, body: body({ prediction: 1 }) })).toBeUndefined();
    expect(judge({ status: 204, body: Buffer.alloc(0) })).toBeUndefined();
  });

  it.each([
    ['our agent, naming the stage', 400, { error: { code: 'invalid_image', message: 'preprocess: Input buffer contains unsupported image format' } }, { stage: 'preprocess', reason: 'HTTP 400: Input buffer contains unsupported image format' }],
    ['our agent, pipeline', 500, { error: { code: 'internal', message: 'pipeline: boom' } }, { stage: 'pipeline', reason: 'HTTP 500: boom' }],
    ['our agent, no stage', 503, { error: { code: 'shutting_down', message: 'the agent is shutting down' } }, { stage: 'pipeline', reason: 'HTTP 503: the agent is shutting down' }],
    ['KServe / Triton', 400, { error: "unexpected shape for input 'input'" }, { stage: 'pipeline', reason: "HTTP 400: unexpected shape for input 'input'" }],
    ['TorchServe', 503, { code: 503, type: 'ServiceUnavailableException', message: 'Model "x" has no worker to serve inference request.' }, { stage: 'pipeline', reason: 'HTTP 503: Model "x" has no worker to serve inference request.' }],
    ['an HTML page', 502, '<html>\n<body>Bad Gateway</body></html>', { stage: 'pipeline', reason: 'HTTP 502: <html>' }],
    ['no body', 404, '', { stage: 'pipeline', reason: 'HTTP 404' }],
  ])('%s', (_label, status, payload, expected) => {
    expect(judge({ status, body: body(payload) })).toEqual(expected);
  });

  it('keeps reasons short (failures are counted by reason)', () => {
    const failure = judge({ status: 500, body: body({ error: 'x'.repeat(1000) }) });
    expect(failure!.reason.length).toBeLessThanOrEqual(160);
  });
});
