import { STAGE_NAMES, type StageName } from '../../schema/profileSpec.js';
import { modelItemDims, type InputLayout } from '../../model/signature.js';
import type { HttpProtocol } from '../../schema/transport.js';
import { tensorFromBody } from '../../serving/images/clientRequest.js';
import type { RequestOutcome } from '../../serving/pipeline.js';
import { TENSOR_CONTENT_TYPE, type WireRequest } from '../../serving/stage.js';

/**
 * What each wire protocol makes of a WireRequest (an image file, or the client-preprocessed float32
 * CHW tensor) and how it judges the answer:
 *
 * - raw: `POST /v1/infer` with the body as it is (our agent's route: image files, or the tensor
 *   under TENSOR_CONTENT_TYPE).
 * - kserve-v2: `POST /v2/models/{name}/infer` with a JSON tensor (KServe v2 / Triton HTTP, no
 *   binary extension): `{"inputs":[{"name","shape":[1,C,H,W],"datatype":"FP32","data":[...]}]}`.
 *   Tensors only, so requests must be preprocessed on the client.
 * - torchserve: `POST /predictions/{name}` with the image file (TorchServe's inference API).
 *
 * Encoding runs once per distinct request before the load starts (httpTarget's prepare), never per
 * send; judging reads the body only of non-2xx answers.
 */

export interface EncodedRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

export type RequestFailureInfo = NonNullable<RequestOutcome['failure']>;

export interface WireProtocol {
  readonly name: HttpProtocol;
  encode(request: WireRequest): EncodedRequest;
  /** undefined for a 2xx answer; otherwise why the request failed, from the error body where it says. */
  judge(response: { status: number; body: Buffer }): RequestFailureInfo | undefined;
}

export interface ProtocolOptions {
  /** KServe's and TorchServe's {name}; required by those two. */
  modelName?: string;
  /** KServe: the model's input tensor name (default 'input'). */
  inputName?: string;
  /** C,H,W of one item: the KServe shape, and the check on a tensor request's length. */
  itemShape: [number, number, number];
  /** The model's layout: a channels-last model's KServe shape is [N, H, W, C] (default nchw). */
  layout?: InputLayout;
}

export function wireProtocol(protocol: HttpProtocol, options: ProtocolOptions): WireProtocol {
  switch (protocol) {
    case 'raw':
      return {
        name: 'raw',
        encode: (request) => ({ path: '/v1/infer', contentType: request.contentType, body: request.body }),
        judge,
      };
    case 'kserve-v2': {
      const modelName = requireModelName(protocol, options.modelName);
      const path = `/v2/models/${encodeURIComponent(modelName)}/infer`;
      const encoder = kserveTensorEncoder(options.inputName ?? 'input', options.itemShape, options.layout);
      return {
        name: 'kserve-v2',
        encode: (request) => ({ path, contentType: 'application/json', body: encoder(request) }),
        judge,
      };
    }
    case 'torchserve': {
      const path = `/predictions/${encodeURIComponent(requireModelName(protocol, options.modelName))}`;
      return {
        name: 'torchserve',
        encode: (request) => ({ path, contentType: request.contentType, body: request.body }),
        judge,
      };
    }
  }
}

function requireModelName(protocol: HttpProtocol, name: string | undefined): string {
  if (!name) throw new Error(`the ${protocol} protocol needs a model name`);
  return name;
}

/**
 * A tensor request → the KServe v2 JSON body, shape [1,C,H,W], flat row-major data.
 *
 * Each float32 is written as the shortest decimal that reads back as the same float32 (at most 9
 * significant digits; JSON.stringify would write the float64 expansion, ~19 characters for values
 * like 0.12156862765550613): the body is about half the size and exact. Normalised pixels take at
 * most 256 distinct values per channel, so a memo makes the search nearly free.
 */
export function kserveTensorEncoder(inputName: string, itemShape: [number, number, number], layout?: InputLayout): (request: WireRequest) => Buffer {
  const [c, h, w] = itemShape;
  const length = c * h * w;
  const dims = modelItemDims({ itemShape, layout });
  const head = Buffer.from(`{"inputs":[{"name":${JSON.stringify(inputName)},"shape":[1,${dims.join(',')}],"datatype":"FP32","data":[`);
  const tail = Buffer.from(']}]}');
  // value → its text and a comma, as bytes: copied straight into the body (3x faster than joining strings).
  const memo = new Map<number, Buffer>();
  return (request) => {
    if (mediaTypeOf(request.contentType) !== TENSOR_CONTENT_TYPE) {
      throw new Error(`the kserve-v2 protocol sends tensors, not '${request.contentType}' bodies: preprocess on the client`);
    }
    const tensor = tensorFromBody(request.body);
    if (!tensor || tensor.length !== length) {
      throw new Error(`a tensor request of ${request.body.byteLength} bytes does not hold ${c}x${h}x${w} float32 values`);
    }
    let body = Buffer.allocUnsafe(head.byteLength + length * 11 + tail.byteLength);
    let offset = head.copy(body, 0);
    for (let i = 0; i < length; i++) {
      const value = tensor[i]!;
      let text = memo.get(value);
      if (text === undefined) {
        text = Buffer.from(`${shortestFloat32(value)},`, 'latin1');
        if (memo.size < 1 << 16) memo.set(value, text);
      }
      if (offset + text.byteLength + tail.byteLength > body.byteLength) {
        const grown = Buffer.allocUnsafe(body.byteLength * 2);
        body.copy(grown, 0, 0, offset);
        body = grown;
      }
      offset += text.copy(body, offset);
    }
    // The last value's comma becomes the closing of data (a tensor has at least one value).
    offset -= 1;
    offset += tail.copy(body, offset);
    return Buffer.from(body.subarray(0, offset));
  };
}

/** The shortest decimal that reads back as this float32 (JSON has no NaN or Infinity: null). */
export function shortestFloat32(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (value === 0) return '0';
  for (let precision = 1; precision < 9; precision++) {
    const text = value.toPrecision(precision);
    if (Math.fround(Number(text)) === value) return text;
  }
  return value.toPrecision(9);
}

function mediaTypeOf(contentType: string): string {
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/** Stage names a server may put before its message ("deserialize: ..." from our agent). */
const FAILURE_STAGES: ReadonlySet<string> = new Set([...STAGE_NAMES.filter((s) => s !== 'network'), 'pipeline']);
const MAX_REASON = 160;

/**
 * 2xx: success. Otherwise `HTTP <status>: <message>`, the message from the JSON error body of our
 * agent (`{"error":{"code","message"}}`), KServe/Triton (`{"error":"..."}`) or TorchServe
 * (`{"code","type","message"}`), else the body's first line. Our agent names the failing stage
 * first ("preprocess: ..."); that becomes the failure's stage, anything else is 'pipeline'.
 */
export function judge(response: { status: number; body: Buffer }): RequestFailureInfo | undefined {
  const { status } = response;
  if (status >= 200 && status < 300) return undefined;
  let message = errorMessage(response.body);
  let stage: RequestFailureInfo['stage'] = 'pipeline';
  const colon = message.indexOf(': ');
  if (colon > 0 && FAILURE_STAGES.has(message.slice(0, colon))) {
    stage = message.slice(0, colon) as StageName | 'pipeline';
    message = message.slice(colon + 2);
  }
  const reason = message ? `HTTP ${status}: ${message}` : `HTTP ${status}`;
  return { stage, reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason };
}

function errorMessage(body: Buffer): string {
  const text = body.toString('utf8', 0, Math.min(body.byteLength, 4096)).trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return firstLine(error);
      if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
        return firstLine((error as { message: string }).message);
      }
      if (typeof message === 'string') return firstLine(message);
    }
  } catch {
    // Not JSON (an HTML error page, a proxy's text): its first line says enough.
  }
  return firstLine(text);
}

function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').trim();
}
