import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorBody } from '../../../src/serving/images/clientRequest.js';
import { preprocessImage } from '../../../src/serving/images/preprocessImage.js';
import { TENSOR_CONTENT_TYPE } from '../../../src/serving/stage.js';
import type { RunningAgent } from '../../../src/server/agent/agent.js';
import { AgentInfo } from '../../../src/schema/wire/agentInfo.js';
import { parseServerTiming } from '../../../src/server/agent/serverTiming.js';
import { fetchJson, photoJpeg, photoPng, pngBomb, postImage, sampleValue, startTinyAgent, type JsonResponse } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';
import { uploadPastAnswer } from '../../support/uploadPastAnswer.js';

const MIB = 1024 * 1024;
const PIPELINE_STAGES = ['deserialize', 'configLoad', 'payloadSpool', 'preprocess', 'queueWait', 'infer', 'postprocess', 'requestLog', 'serialize'];
const MAX_BODY_BYTES = 8 * MIB;
const IMAGENET = { width: 224, height: 224, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'cover' } as const;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agent: RunningAgent;
let jpeg: Buffer;
let png: Buffer;

beforeAll(async () => {
  temp = await makeTempDir('cp-agent-http-');
  jpeg = await photoJpeg();
  png = await photoPng();
  // Triton batching with preferred size 2: a KServe request of 2 items goes as one batch of 2 at
  // once; a single request goes alone after the 20 ms queue delay.
  agent = await startTinyAgent(
    temp.dir,
    { batching: { policy: 'triton', maxBatchSize: 2, preferredBatchSizes: [2], maxQueueDelayUs: 20_000 } },
    { maxBodyBytes: MAX_BODY_BYTES },
  );
});
afterAll(async () => {
  await agent?.close();
  await temp?.remove();
});

const infer = (contentType: string, body: Buffer | string): Promise<JsonResponse> => postImage(`${agent.url}/v1/infer`, contentType, body);

async function expectServing(): Promise<void> {
  const ok = await infer('image/jpeg', jpeg);
  expect(ok.status).toBe(200);
  expect(ok.body.prediction.top).toHaveLength(5);
}

function expectError(response: JsonResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(typeof response.body.error.message).toBe('string');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(parseServerTiming(response.headers.get('server-timing')).total).toBeGreaterThanOrEqual(0);
}

async function metricsText(): Promise<string> {
  const response = await fetch(`${agent.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('POST /v1/infer', () => {
  it.each([
    ['image/jpeg', () => jpeg],
    ['image/png', () => png],
  ])('%s photo → 200 with a prediction and every server stage in Server-Timing', async (contentType, body) => {
    const response = await infer(contentType, body());
    expect(response.status).toBe(200);
    const { prediction } = response.body;
    expect(Number.isInteger(response.body.id)).toBe(true);
    expect(prediction.top).toHaveLength(5);
    expect(prediction.classIndex).toBe(prediction.top[0].classIndex);
    expect(prediction.score).toBeGreaterThan(0);
    expect(prediction.score).toBeLessThanOrEqual(1);
    const timing = parseServerTiming(response.headers.get('server-timing'));
    // The pipeline's stages in order, then the agent's own steps outside it, then the total.
    expect(Object.keys(timing)).toEqual([...PIPELINE_STAGES, 'bodyRead', 'imageHeader', 'total']);
    const partsMs = Object.entries(timing).filter(([name]) => name !== 'total').reduce((sum, [, ms]) => sum + ms, 0);
    // The server's total covers its parts (each rounded to the microsecond in the header).
    expect(timing.total! + 0.01).toBeGreaterThanOrEqual(partsMs);
  });

  it('JSON {"image": base64} gives the same prediction as the raw bytes', async () => {
    const raw = await infer('image/jpeg', jpeg);
    const json = await infer('application/json', JSON.stringify({ image: jpeg.toString('base64') }));
    expect(json.status).toBe(200);
    expect(json.body.prediction).toEqual(raw.body.prediction);
  });

  it('a client-side tensor (the profiler thin path) gives the same prediction as the image', async () => {
    const tensor = await preprocessImage(jpeg, { ...IMAGENET, mean: [...IMAGENET.mean], std: [...IMAGENET.std] });
    const fromTensor = await infer(TENSOR_CONTENT_TYPE, tensorBody(tensor));
    const fromImage = await infer('image/jpeg', jpeg);
    expect(fromTensor.status).toBe(200);
    expect(fromTensor.body.prediction).toEqual(fromImage.body.prediction);
  });
});

describe('bad inputs get their status and a JSON error, and the next request still succeeds', () => {
  it.each([
    ['truncated JPEG', () => infer('image/jpeg', jpeg.subarray(0, Math.floor(jpeg.byteLength / 2))), 400, 'invalid_image'],
    ['bytes that are no image', () => infer('application/octet-stream', Buffer.from('not an image at all')), 400, 'invalid_image'],
    ['empty body', () => infer('image/jpeg', Buffer.alloc(0)), 400, 'empty_body'],
    ['text/plain', () => infer('text/plain', 'hello'), 415, 'unsupported_media_type'],
    ['no content type', () => fetchJson(`${agent.url}/v1/infer`, { method: 'POST', body: new Uint8Array(jpeg) }), 415, 'unsupported_media_type'],
    ['malformed JSON', () => infer('application/json', '{"image": '), 400, 'invalid_request'],
    ['JSON without an image', () => infer('application/json', '{"picture": "x"}'), 400, 'invalid_request'],
    ['a wrong-length tensor', () => infer(TENSOR_CONTENT_TYPE, Buffer.alloc(12)), 400, 'invalid_request'],
    ['GET on an inference route', () => fetchJson(`${agent.url}/v1/infer`), 405, 'method_not_allowed'],
    ['an unknown route', () => fetchJson(`${agent.url}/v1/nothing-here`, { method: 'POST', body: 'x' }), 404, 'not_found'],
    ['a bad %-escape in the URL (express)', () => fetchJson(`${agent.url}/v2/models/%E0%A4%A/infer`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request'],
  ])('%s', async (_name, send, status, code) => {
    expectError(await send(), status, code);
    await expectServing();
  });

  it('a truncated JPEG reports the stages it went through before failing at preprocess', async () => {
    const response = await infer('image/jpeg', jpeg.subarray(0, 2000));
    expect(response.body.error.message).toMatch(/^preprocess: /);
    expect(Object.keys(parseServerTiming(response.headers.get('server-timing')))).toEqual(['deserialize', 'configLoad', 'payloadSpool', 'bodyRead', 'imageHeader', 'total']);
  });

  it('a 20000x20000 PNG bomb → 413 image_too_large from its header, before the pipeline sees it', async () => {
    const bomb = pngBomb(20_000);
    expect(bomb.byteLength).toBeLessThan(200_000);
    const deserializedBefore = sampleValue(await metricsText(), 'capacity_plan_stage_duration_seconds_count{stage="deserialize"}');
    const response = await infer('image/png', bomb);
    expectError(response, 413, 'image_too_large');
    expect(response.body.error.message).toMatch(/20000x20000/);
    expect(sampleValue(await metricsText(), 'capacity_plan_stage_duration_seconds_count{stage="deserialize"}')).toBe(deserializedBefore);
    await expectServing();
  });

  it('the same bomb inside JSON is refused by the pipeline (also before decoding) → 413 image_too_large', async () => {
    const response = await infer('application/json', JSON.stringify({ image: pngBomb(20_000).toString('base64') }));
    expectError(response, 413, 'image_too_large');
    await expectServing();
  });

  it('a declared Content-Length over the limit → 413 before the body is read', async () => {
    const response = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const { port } = new URL(agent.url);
      const request = http.request({ host: '127.0.0.1', port, path: '/v1/infer', method: 'POST', headers: { 'content-type': 'image/jpeg', 'content-length': 50_000_000 } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      });
      request.on('error', reject);
      // A little of the body, then nothing more: the answer must not wait for the other 49.9 MB.
      request.write(Buffer.alloc(64 * 1024));
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe('body_too_large');
    expect(response.connection).toBe('close');
    await expectServing();
  });

  it('a streamed (chunked) 50 MB body → 413, and the server stops reading it', async () => {
    const totalBytes = 50_000_000;
    const chunk = new Uint8Array(64 * 1024);
    let pulledBytes = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulledBytes >= totalBytes) return controller.close();
        pulledBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetchJson(`${agent.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body, duplex: 'half' });
    expectError(response, 413, 'body_too_large');
    // Had the server read (or drained) the whole body, the client would have sent all 50 MB; it
    // could send only the limit plus what socket buffers hold.
    expect(pulledBytes).toBeLessThan(40_000_000);
    await body.cancel().catch(() => {});
    await expectServing();
  });

  it('a client still uploading after the 413 reads it and meets no reset (the connection closes in stages)', async () => {
    const head = 'POST /v1/infer HTTP/1.1\r\nHost: agent\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n';
    const result = await uploadPastAnswer(Number(new URL(agent.url).port), head);
    expect(result.error).toBeUndefined();
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.answer).toMatch(/^connection: close\r$/im);
    expect(result.answer).toContain('"code":"body_too_large"');
    await expectServing();
  });

  it('fifteen refused uploads at once each get their 413, and their lingering connections warn of no leak', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): number => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const head = 'POST /v1/infer HTTP/1.1\r\nHost: agent\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n';
    const results = await Promise.all(Array.from({ length: 15 }, () => uploadPastAnswer(Number(new URL(agent.url).port), head, 10)));
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(new Set(results.map((r) => `${r.answer.split('\r\n')[0]} ${r.error ?? 'no reset'}`))).toEqual(new Set(['HTTP/1.1 413 Payload Too Large no reset']));
    expect(warnings).toEqual([]);
    await expectServing();
  });
});

describe('KServe v2', () => {
  const kserveBody = (tensors: Float32Array[]) =>
    JSON.stringify({ id: 'req-1', inputs: [{ name: 'input', shape: [tensors.length, 3, 224, 224], datatype: 'FP32', data: tensors.flatMap((t) => [...t]) }] });
  const kserve = (name: string, body: string) => postImage(`${agent.url}/v2/models/${name}/infer`, 'application/json', body);

  it('infer with N=2: one batch of 2, [2, classes] logits whose argmax matches /v1/infer on the same tensors', async () => {
    const tensors = [
      await preprocessImage(jpeg, { ...IMAGENET, mean: [...IMAGENET.mean], std: [...IMAGENET.std] }),
      await preprocessImage(png, { ...IMAGENET, mean: [...IMAGENET.mean], std: [...IMAGENET.std] }),
    ];
    const batchesOf2 = async () => AgentInfo.parse((await fetchJson(`${agent.url}/v1/info`)).body).batchSizeCounts['2'] ?? 0;
    const before = await batchesOf2();
    const response = await kserve('tiny', kserveBody(tensors));
    expect(response.status).toBe(200);
    expect(await batchesOf2()).toBe(before + 1);
    expect(response.body).toMatchObject({ model_name: 'tiny', model_version: '1', id: 'req-1' });
    const [output] = response.body.outputs;
    expect(output).toMatchObject({ name: 'logits', shape: [2, 10], datatype: 'FP32' });
    expect(output.data).toHaveLength(20);
    expect(Object.keys(parseServerTiming(response.headers.get('server-timing')))).toEqual([...PIPELINE_STAGES, 'bodyRead', 'kserveDecode', 'total']);
    for (const [i, tensor] of tensors.entries()) {
      const row: number[] = output.data.slice(i * 10, (i + 1) * 10);
      const single = await infer(TENSOR_CONTENT_TYPE, tensorBody(tensor));
      expect(row.indexOf(Math.max(...row))).toBe(single.body.prediction.classIndex);
    }
  });

  it('metadata and readiness of the served model', async () => {
    const metadata = await fetchJson(`${agent.url}/v2/models/tiny`);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toEqual({
      name: 'tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
    });
    expect((await fetchJson(`${agent.url}/v2/models/tiny/ready`)).status).toBe(200);
  });

  it.each([
    ['malformed JSON', () => kserve('tiny', '{"inputs": [}'), 400, 'invalid_json'],
    ['a bad shape', () => kserve('tiny', JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 10, 10], datatype: 'FP32', data: Array(300).fill(0) }] })), 400, 'invalid_request'],
    ['a data length mismatch', () => kserve('tiny', JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 224, 224], datatype: 'FP32', data: [1, 2, 3] }] })), 400, 'invalid_request'],
    ['datatype INT8', () => kserve('tiny', JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 224, 224], datatype: 'INT8', data: [] }] })), 400, 'invalid_request'],
    ['no inputs', () => kserve('tiny', '{}'), 400, 'invalid_request'],
    ['an unknown model name', () => kserve('resnet50', kserveBody([new Float32Array(3 * 224 * 224)])), 404, 'model_not_found'],
    ['metadata of an unknown model', () => fetchJson(`${agent.url}/v2/models/nope`), 404, 'model_not_found'],
    ['readiness of an unknown model', () => fetchJson(`${agent.url}/v2/models/nope/ready`), 404, 'model_not_found'],
    ['a non-JSON content type', () => postImage(`${agent.url}/v2/models/tiny/infer`, 'text/plain', '{}'), 415, 'unsupported_media_type'],
  ])('%s', async (_name, send, status, code) => {
    expectError(await send(), status, code);
    await expectServing();
  });
});

describe('health, info and metrics', () => {
  it('ready and live while serving', async () => {
    for (const path of ['/healthz', '/v2/health/ready', '/v2/health/live']) {
      const response = await fetchJson(`${agent.url}${path}`);
      expect(response.status).toBe(200);
    }
  });

  it('/v1/info describes the model, the spec as served and cumulative batch sizes', async () => {
    const info = AgentInfo.parse((await fetchJson(`${agent.url}/v1/info`)).body);
    expect(info.model.name).toBe('tiny');
    expect(info.model.path).toMatch(/tiny-seed1\.onnx$/);
    expect(info.model.signature).toMatchObject({ inputName: 'input', itemShape: [3, 224, 224], maxBatch: Number.POSITIVE_INFINITY });
    expect(info.spec.batching).toEqual({ policy: 'triton', maxBatchSize: 2, preferredBatchSizes: [2], maxQueueDelayUs: 20_000 });
    expect(info.modelLoadMs).toBeGreaterThan(0);
    expect(Object.keys(info.batchSizeCounts).every((size) => size === '1' || size === '2')).toBe(true);
    expect(Object.values(info.batchSizeCounts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('/metrics: Prometheus text with request counters, stage and batch histograms, process metrics', async () => {
    await expectServing();
    await infer('text/plain', 'x');
    const text = await metricsText();
    expect(sampleValue(text, 'capacity_plan_requests_total{route="/v1/infer",status="200"}')).toBeGreaterThan(0);
    expect(sampleValue(text, 'capacity_plan_requests_total{route="/v1/infer",status="415"}')).toBeGreaterThan(0);
    expect(sampleValue(text, 'capacity_plan_requests_total{route="/v1/infer",status="413"}')).toBeGreaterThan(0);
    expect(sampleValue(text, 'capacity_plan_requests_total{route="/v2/models/:name/infer",status="404"}')).toBeGreaterThan(0);
    expect(sampleValue(text, 'capacity_plan_request_duration_seconds_count{route="/v1/infer"}')).toBeGreaterThan(0);
    for (const stage of ['deserialize', 'preprocess', 'queueWait', 'infer', 'serialize']) {
      expect(sampleValue(text, `capacity_plan_stage_duration_seconds_count{stage="${stage}"}`)).toBeGreaterThan(0);
    }
    expect(sampleValue(text, 'capacity_plan_batch_size_bucket{le="2"}')).toBeGreaterThan(0);
    expect(sampleValue(text, 'capacity_plan_batch_size_count')).toBeGreaterThan(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});
