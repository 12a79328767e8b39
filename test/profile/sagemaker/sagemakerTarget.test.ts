import { afterEach, describe, expect, it, vi } from 'vitest';
import { instancesJson, openSageMakerTarget, sagemakerRuntimeEndpointFromEnv } from '../../../src/profile/sagemaker/sagemakerTarget.js';
import { invokeFailure } from '../../../src/profile/sagemaker/invokeFailure.js';
import { parseSageMakerUri } from '../../../src/profile/sagemaker/targetUri.js';
import type { ProfileTarget } from '../../../src/profile/target.js';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';
import { tensorBody } from '../../../src/serving/images/clientRequest.js';
import { TENSOR_CONTENT_TYPE, type WireRequest } from '../../../src/serving/stage.js';
import { EnvironmentError, RemoteError, UsageError } from '../../../src/util/errors.js';
import { stubFakeCredentials, stubNoCredentials } from '../../support/awsEnv.js';
import { startFakeSageMakerRuntime, type FakeSageMakerRuntime } from './fakeSageMakerRuntime.js';

/**
 * The SageMaker target through the real @aws-sdk/client-sagemaker-runtime, against a local
 * endpoint speaking InvokeEndpoint's wire protocol: what is sent, how answers, throttles and
 * model errors become outcomes, and which failures stop the run before it starts.
 */

let fake: FakeSageMakerRuntime | undefined;
let target: ProfileTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
  await fake?.close();
  fake = undefined;
  vi.unstubAllEnvs();
});

const JPEG: WireRequest = { contentType: 'image/jpeg', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]) };
const spec = ProfileSpec.parse({ name: 'sm', model: { source: 'tiny' }, load: { kind: 'closed-loop', concurrency: 2 } });

async function open(overrides: Partial<Parameters<typeof openSageMakerTarget>[0]> = {}): Promise<ProfileTarget> {
  target = await openSageMakerTarget({
    endpointName: 'resnet-endpoint',
    region: 'us-east-1',
    protocol: 'raw',
    spec,
    env: { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fake!.url },
    ...overrides,
  });
  return target;
}

describe('SageMaker target (real SDK, local SageMaker Runtime endpoint)', () => {
  it('invokes the endpoint with the image bytes, counts variants, and turns a throttle and a model error into failures with their reasons', async () => {
    stubFakeCredentials();
    // 0: the probe; then ok, throttled, ok, model error.
    const answers = ['ok', 'ok', 'throttle', 'ok', 'model-error'] as const;
    fake = await startFakeSageMakerRuntime({ endpoints: ['resnet-endpoint'], answer: (i) => answers[i] ?? 'ok', defaultVariant: 'blue' });
    const t = await open();
    await t.prepare?.([JPEG]);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await t.send(JPEG, 0));

    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, false]);
    expect(outcomes[1]!.failure).toEqual({ stage: 'pipeline', reason: 'throttled: ThrottlingException (HTTP 400): Rate exceeded' });
    expect(outcomes[3]!.failure).toEqual({ stage: 'pipeline', reason: 'model error: the container answered HTTP 500: CUDA out of memory' });
    // A throttle is not retried behind the measurement: one invocation per request.
    expect(fake.invocations).toHaveLength(5);
    for (const call of fake.invocations) {
      expect(call.endpointName).toBe('resnet-endpoint');
      expect(call.contentType).toBe('image/jpeg');
      expect(call.body.equals(JPEG.body)).toBe(true);
      expect(call.targetVariant).toBeUndefined();
      expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/sagemaker\/aws4_request/);
    }
    t.drain();
    expect(t.transport).toMatchObject({
      kind: 'sagemaker',
      endpointName: 'resnet-endpoint',
      region: 'us-east-1',
      endpointUrl: fake.url,
      protocol: 'raw',
      contentType: 'image/jpeg',
      connections: 2,
      invokedVariants: { blue: 2 },
    });
    expect(t.warnings.some((w) => w.startsWith('SageMaker returned no server timings'))).toBe(true);
  });

  it('sends KServe v2 JSON tensors to a named variant, and records the model and the server timing the container returns', async () => {
    stubFakeCredentials();
    fake = await startFakeSageMakerRuntime({ endpoints: ['triton-endpoint'], customAttributes: 'total;dur=12.5, infer;dur=9' });
    const t = await open({ endpointName: 'triton-endpoint', variant: 'AllTraffic', protocol: 'kserve-v2', spec: ProfileSpec.parse({ ...spec, model: { source: 'tiny', inputShape: [1, 2, 2] } }) });
    const tensor: WireRequest = { contentType: TENSOR_CONTENT_TYPE, body: tensorBody(new Float32Array([0.5, 0.25, 1, 0])) };
    await t.prepare?.([tensor]);
    const outcome = await t.send(tensor, 0);
    expect(outcome).toMatchObject({ ok: true, serverTotalMs: 12.5, stageMs: { infer: 9 } });
    expect(outcome.stageMs.network).toBeGreaterThanOrEqual(0);
    const call = fake.invocations[1]!;
    expect(call).toMatchObject({ contentType: 'application/json', accept: 'application/json', targetVariant: 'AllTraffic' });
    expect(JSON.parse(call.body.toString())).toEqual({ inputs: [{ name: 'input', shape: [1, 1, 2, 2], datatype: 'FP32', data: [0.5, 0.25, 1, 0] }] });
    t.drain();
    expect(t.transport).toMatchObject({ variant: 'AllTraffic', modelName: 'resnet50', modelVersion: '1', invokedVariants: { AllTraffic: 1 } });
  });

  it('stops before the load on an endpoint that does not exist, an unreachable endpoint, or no credentials', async () => {
    stubFakeCredentials();
    fake = await startFakeSageMakerRuntime({ endpoints: ['resnet-endpoint'] });
    const missing = await open({ endpointName: 'no-such-endpoint' });
    await expect(missing.prepare!([JPEG])).rejects.toThrow(RemoteError);
    await expect(missing.prepare!([JPEG])).rejects.toThrow("SageMaker endpoint 'no-such-endpoint': Endpoint no-such-endpoint of account 123456789012 not found.");
    await missing.close();

    const port = new URL(fake.url).port;
    await fake.close();
    fake = undefined;
    const gone = await openSageMakerTarget({ endpointName: 'resnet-endpoint', region: 'us-east-1', protocol: 'raw', spec, env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` } });
    target = gone;
    await expect(gone.prepare!([JPEG])).rejects.toThrow(EnvironmentError);
    await expect(gone.prepare!([JPEG])).rejects.toThrow(/cannot reach http:\/\/127.0.0.1:\d+ for endpoint 'resnet-endpoint': connection refused/);

    stubNoCredentials();
    const failure = openSageMakerTarget({ endpointName: 'resnet-endpoint', region: 'us-east-1', protocol: 'raw', spec, env: {} });
    await expect(failure).rejects.toThrow(EnvironmentError);
    await expect(failure).rejects.toThrow(/no AWS credentials to invoke SageMaker endpoint 'resnet-endpoint'/);
  });
});

describe('SageMaker target: pieces', () => {
  it('parses sagemaker://<endpoint>[/<variant>]', () => {
    expect(parseSageMakerUri('sagemaker://resnet-endpoint')).toEqual({ endpointName: 'resnet-endpoint' });
    expect(parseSageMakerUri('sagemaker://resnet-endpoint/AllTraffic')).toEqual({ endpointName: 'resnet-endpoint', variant: 'AllTraffic' });
    expect(() => parseSageMakerUri('sagemaker://')).toThrow(UsageError);
    expect(() => parseSageMakerUri('sagemaker://a/b/c')).toThrow(/is not sagemaker:\/\/<endpoint>\[\/<variant>\]/);
    expect(() => parseSageMakerUri('sagemaker://bad_name')).toThrow(/'bad_name' is not a SageMaker endpoint name/);
  });

  it('words failures without per-request detail', () => {
    const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
    expect(invokeFailure({ name: 'ModelError', message: 'Received client error (400) from primary with message "bad image". See https://x in account 1 for more information.', ...meta(424) })).toEqual({
      stage: 'pipeline',
      reason: 'model error: the container answered: Received client error (400) from primary with message "bad image"',
    });
    expect(invokeFailure({ name: 'ModelNotReadyException', message: 'not ready', ...meta(429) }).reason).toBe('ModelNotReadyException (HTTP 429): not ready');
    expect(invokeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toEqual({ stage: 'network', reason: 'connection refused (ECONNREFUSED)' });
    expect(sagemakerRuntimeEndpointFromEnv({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: 'http://b' })).toBe('http://b');
  });

  it('writes a tensor as {"instances": [C][H][W]} for JSON containers', () => {
    const body = instancesJson({ contentType: TENSOR_CONTENT_TYPE, body: tensorBody(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8])) }, [2, 2, 2]);
    expect(JSON.parse(body.toString())).toEqual({ instances: [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]] });
    expect(() => instancesJson(JPEG, [2, 2, 2])).toThrow(/preprocess on the client/);
  });
});
