import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../../src/schema/profileSpec.js';
import { startAgent, type RunningAgent } from '../../../src/server/agent/agent.js';
import { writeModelKind, type ModelKind } from '../../support/modelKinds.js';
import { fetchJson, photoJpeg, postImage } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

/**
 * The agent with third-party-shaped models (test/support/modelKinds.ts): each answers with the
 * postprocessing its outputs call for, over /v1/infer and KServe v2.
 */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let jpeg: Buffer;
const agents: RunningAgent[] = [];

beforeAll(async () => {
  temp = await makeTempDir('cp-agent-kinds-');
  jpeg = await photoJpeg(3, 64, 48);
});
afterAll(async () => {
  for (const agent of agents) await agent.close();
  await temp.remove();
});

async function agentFor(kind: ModelKind, model: Omit<NonNullable<ProfileSpecInput['model']>, 'source'> = {}): Promise<RunningAgent> {
  const path = await writeModelKind(kind, join(temp.dir, `${kind}.onnx`));
  const agent = await startAgent({ spec: ProfileSpec.parse({ model: { source: path, ...model } }), home: temp.dir, onLog: () => {} });
  agents.push(agent);
  return agent;
}

const infer = (agent: RunningAgent) => postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg);

describe('agent: output kinds', () => {
  it('logits → softmax + top-k; a softmax-ended graph gives the same scores (no second softmax)', async () => {
    const logits = await infer(await agentFor('logits'));
    const probs = await infer(await agentFor('softmax'));
    expect(logits.status).toBe(200);
    expect(probs.status).toBe(200);
    expect(logits.body.prediction.top).toHaveLength(3);
    expect(probs.body.prediction.classIndex).toBe(logits.body.prediction.classIndex);
    expect(probs.body.prediction.score).toBeCloseTo(logits.body.prediction.score, 5);
  });

  it('KServe v2 on the logits model: the raw logits as a tensor, the kind in parameters', async () => {
    const agent = await agentFor('logits');
    const data = Array.from({ length: 3 * 8 * 8 }, (_, i) => (i < 64 ? 1 : i < 128 ? 2 : 0));
    const kserve = await fetchJson(`${agent.url}/v2/models/logits/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 8, 8], datatype: 'FP32', data }] }),
    });
    expect(kserve.status).toBe(200);
    expect(kserve.body.parameters).toEqual({ output_kind: 'classification' });
    expect(kserve.body.outputs).toEqual([{ name: 'logits', shape: [1, 3], datatype: 'FP32', data: [1, 2, 0] }]);
  });

  it('a detection-style map: a raw summary per output, not a class index over pixels; /v1/info notes it', async () => {
    const agent = await agentFor('map', { inputShape: [3, 32, 40] });
    const response = await infer(agent);
    expect(response.status).toBe(200);
    expect(response.body.prediction).toBeUndefined();
    expect(response.body.outputs).toHaveLength(1);
    const [map] = response.body.outputs;
    expect(map).toMatchObject({ name: 'map', shape: [1, 1, 32, 40] });
    expect(map.min).toBeGreaterThan(0);
    expect(map.max).toBeLessThan(1);
    expect(map.mean).toBeGreaterThanOrEqual(map.min);
    const info = await fetchJson(`${agent.url}/v1/info`);
    expect(info.body.output.kind).toBe('raw');
    expect(info.body.warnings.some((w: string) => w.includes('no class postprocessing was applied'))).toBe(true);
    const kserve = await fetchJson(`${agent.url}/v2/models/map/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 32, 40], datatype: 'FP32', data: new Array(3 * 32 * 40).fill(0) }] }),
    });
    expect(kserve.body.outputs[0]).toMatchObject({ name: 'map', shape: [1, 1, 32, 40] });
    expect(kserve.body.outputs[0].data[0]).toBeCloseTo(0.5, 6);
  });

  it('several outputs: raw, every output summarised; --output classification reads the first as logits', async () => {
    const raw = await infer(await agentFor('twoOutputs'));
    expect(raw.body.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape])).toEqual([
      ['logits', [1, 3]],
      ['map', [1, 1, 8, 8]],
    ]);
    const forced = await infer(await agentFor('twoOutputs', { output: 'classification' }));
    expect(forced.body.prediction.top).toHaveLength(3);
  });
});

describe('agent: input types and layouts', () => {
  it('float16 input: the image is converted to half precision and classified', async () => {
    const fp16 = await infer(await agentFor('fp16'));
    const fp32 = await infer(await agentFor('logits'));
    expect(fp16.status).toBe(200);
    expect(fp16.body.prediction.classIndex).toBe(fp32.body.prediction.classIndex);
    expect(fp16.body.prediction.score).toBeCloseTo(fp32.body.prediction.score, 2);
  });

  it('uint8 NHWC input: raw pixel values, channels last (the model returns the mean of each channel)', async () => {
    const agent = await agentFor('uint8Nhwc');
    // A solid colour: every pixel (200, 100, 50), whatever the resize.
    const solid = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toBuffer();
    const response = await postImage(`${agent.url}/v1/infer`, 'image/png', solid);
    expect(response.status).toBe(200);
    // Logits (200, 100, 50) → softmax puts all the mass on channel 0 (red).
    expect(response.body.prediction.classIndex).toBe(0);
    const kserve = await fetchJson(`${agent.url}/v2/models/uint8Nhwc/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'pixels', shape: [1, 8, 8, 3], datatype: 'UINT8', data: Array.from({ length: 192 }, (_, i) => [10, 20, 30][i % 3]) }] }),
    });
    expect(kserve.body.outputs).toEqual([{ name: 'means', shape: [1, 3], datatype: 'FP32', data: [10, 20, 30] }]);
    const info = await fetchJson(`${agent.url}/v1/info`);
    expect(info.body.model.signature).toMatchObject({ inputType: 'uint8', layout: 'nhwc', itemShape: [3, 8, 8] });
  });

  it('two inputs: the agent refuses to start, naming them', async () => {
    await expect(agentFor('twoInputs')).rejects.toThrow("the model has 2 inputs ('x', 'z'); only single-input image models are supported");
  });
});
