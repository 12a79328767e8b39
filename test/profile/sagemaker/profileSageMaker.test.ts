import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerProfileCommand } from '../../../src/cli/profile.js';
import { runCli } from '../../../src/cli/program.js';
import type { Runtime } from '../../../src/cli/runtime.js';
import { ProfileResult } from '../../../src/schema/profileResult.js';
import { ExitCode } from '../../../src/util/errors.js';
import { expectOneLineError } from '../../support/oneLineError.js';
import { makeTempDir } from '../../support/tempDir.js';
import { stubFakeCredentials } from '../../support/awsEnv.js';
import { startFakeSageMakerRuntime, type FakeSageMakerRuntime } from './fakeSageMakerRuntime.js';

/**
 * `capacity-plan profile --target sagemaker://...` end to end: open-loop load through the real
 * SageMaker Runtime SDK to a local endpoint speaking InvokeEndpoint's wire protocol, which
 * throttles every 5th request and answers every 7th with a model error. No timing assertions.
 */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let fake: FakeSageMakerRuntime | undefined;
beforeAll(async () => {
  temp = await makeTempDir('cp-profile-sagemaker-');
});
afterAll(async () => {
  await temp?.remove();
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  vi.unstubAllEnvs();
});

async function profile(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const rt: Runtime = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { CAPACITY_PLAN_HOME: temp.dir, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    cwd: temp.dir,
    home: temp.dir,
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    signal: new AbortController().signal,
  };
  const code = await runCli(['profile', ...argv], rt, [registerProfileCommand]);
  return { code, stdout, stderr };
}

const OPEN_LOOP = ['--load', 'constant-rate', '--rps', '40', '--duration', '2', '--image-count', '4'];

describe('profile --target sagemaker://<endpoint>/<variant>', () => {
  it('measures the endpoint open-loop, counts throttles and model errors as failures with their reasons, and records the endpoint', async () => {
    stubFakeCredentials();
    fake = await startFakeSageMakerRuntime({
      endpoints: ['resnet-endpoint'],
      // The probe (0) succeeds; later every 5th is throttled and every 7th a model error.
      answer: (i) => (i > 0 && i % 5 === 0 ? 'throttle' : i > 0 && i % 7 === 0 ? 'model-error' : 'ok'),
    });
    const out = join(temp.dir, 'sagemaker.json');
    const r = await profile(
      { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fake.url },
      '--target', 'sagemaker://resnet-endpoint/AllTraffic', '--region', 'us-east-1', '--instance-type', 'ml.g4dn.xlarge', ...OPEN_LOOP, '--out', out,
    );
    // Every 5th throttled and every 7th a model error: far over 1% failed, so the document is written
    // but the run is no capacity measurement (exit 5), and no `plan` command is suggested.
    expect(r.code, r.stderr).toBe(ExitCode.measurement);
    expect(expectOneLineError(r.stderr)).toMatch(/^error: \d+ of \d+ requests failed \(over 1%\), most often with 'pipeline: throttled: ThrottlingException \(HTTP 400\): Rate exceeded': the measurement is not stable/);
    const doc = ProfileResult.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(doc.measurement.stable).toBe(false);
    expect(doc.transport).toMatchObject({
      kind: 'sagemaker',
      endpointName: 'resnet-endpoint',
      variant: 'AllTraffic',
      region: 'us-east-1',
      protocol: 'raw',
      contentType: 'image/jpeg',
    });
    expect(Object.keys((doc.transport as { invokedVariants?: object }).invokedVariants ?? {})).toEqual(['AllTraffic']);
    expect(doc.spec?.load).toMatchObject({ kind: 'constant-rate', rps: 40 });
    expect(doc.environment.instanceType).toBe('ml.g4dn.xlarge');
    expect(doc.requests.completed).toBeGreaterThan(0);
    const reasons = doc.requests.failures.map((f) => f.reason);
    // The document names each failure by its stage: SageMaker's answers are the serving side's ('pipeline').
    expect(reasons).toContain('pipeline: throttled: ThrottlingException (HTTP 400): Rate exceeded');
    expect(reasons).toContain('pipeline: model error: the container answered HTTP 500: CUDA out of memory');
    expect(doc.requests.failed).toBe(doc.requests.failures.reduce((n, f) => n + f.count, 0));
    // Every request went to the endpoint by name, to the variant asked for, as the image file's own bytes.
    expect(fake.invocations.every((c) => c.endpointName === 'resnet-endpoint' && c.targetVariant === 'AllTraffic' && c.contentType === 'image/jpeg')).toBe(true);
    expect(r.stdout).not.toContain('next: capacity-plan plan');
    expect(r.stdout).toContain('through InvokeEndpoint to SageMaker endpoint resnet-endpoint/AllTraffic in us-east-1 (raw; served by AllTraffic');
  });

  it('a missing endpoint: one line before any load, exit 6', async () => {
    stubFakeCredentials();
    fake = await startFakeSageMakerRuntime({ endpoints: ['resnet-endpoint'] });
    const r = await profile({ AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fake.url }, '--target', 'sagemaker://other-endpoint', '--region', 'us-east-1', ...OPEN_LOOP, '--out', join(temp.dir, 'x.json'));
    expect(r.code).toBe(6);
    const last = r.stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^error: SageMaker endpoint 'other-endpoint': Endpoint other-endpoint of account 123456789012 not found\. \(check the endpoint name/);
    expect(fake.invocations).toHaveLength(1);
  });

  it.each([
    [['--target', 'sagemaker://a_b'], /^error: --target: 'a_b' is not a SageMaker endpoint name/],
    [['--target', 'sagemaker://e', '--model-name', 'm'], /^error: --model-name does not apply to a SageMaker endpoint/],
    [['--target', 'sagemaker://e', '--batching', 'triton'], /^error: --batching does not apply with --target/],
    [['--target', 'sagemaker://e', '--protocol', 'json', '--preprocess', 'server'], /^error: --protocol json sends tensors: it needs --preprocess client$/],
    [['--target', 'http://127.0.0.1:8000', '--region', 'us-east-1'], /^error: --region applies to --target sagemaker:\/\/<endpoint>/],
    [['--target', 'http://127.0.0.1:8000', '--protocol', 'json'], /^error: --protocol json applies to --target sagemaker:\/\/<endpoint>/],
  ])('%j → exit 2, one line', async (flags, message) => {
    const r = await profile({}, ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});
