import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../../src/schema/profileSpec.js';
import { createPipelineStages } from '../../../src/serving/stages/index.js';
import { encodeClientRequest } from '../../../src/serving/stages/preprocess.js';
import type { RequestState, Stage, StageContext, WireRequest } from '../../../src/serving/stage.js';
import { makeFixtureImages, type FixtureName } from '../../fixtures/images/makeImages.js';

let dir: string;
let paths: Record<FixtureName, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-pipeline-'));
  paths = await makeFixtureImages(join(dir, 'images'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(name: string, pipeline: ProfileSpecInput['pipeline'], tempFiles: string[] = []): StageContext {
  const scratchDir = join(dir, name);
  return { spec: ProfileSpec.parse({ pipeline }), inputShape: [3, 8, 8], scratchDir, observe: { onTempFile: (path) => tempFiles.push(path) } };
}

/** What the runner does, minus timing and batching: before stages, a fake model row, after stages. */
async function serve(stages: { before: Stage[]; after: Stage[] }, request: WireRequest, id: number): Promise<RequestState> {
  const state: RequestState = { id, request };
  for (const stage of stages.before) await stage.run(state);
  // A fake model: class i's logit is the mean of channel i of the input.
  const plane = state.tensor!.length / 3;
  state.output = Float32Array.from([0, 1, 2], (c) => state.tensor!.subarray(c * plane, (c + 1) * plane).reduce((a, b) => a + b, 0) / plane);
  for (const stage of stages.after) await stage.run(state);
  return state;
}

describe('createPipelineStages', () => {
  it('orders the stages as the article lists them', async () => {
    const stages = createPipelineStages(context('names', {}));
    expect(stages.before.map((s) => s.name)).toEqual(['deserialize', 'configLoad', 'payloadSpool', 'preprocess']);
    expect(stages.after.map((s) => s.name)).toEqual(['postprocess', 'requestLog', 'serialize']);
  });

  it('fat server (per-request config, temp-file spool, file log) answers a JPEG request', async () => {
    const tempFiles: string[] = [];
    const ctx = context('fat', { configLoad: 'per-request', payloadSpool: { mode: 'temp-file', thresholdBytes: 1000 }, requestLog: { mode: 'file' } }, tempFiles);
    const stages = createPipelineStages(ctx);
    const body = await readFile(paths['solid.png']); // pure (200, 50, 7): red is the most probable class
    const state = await serve(stages, { contentType: 'image/png', body }, 11);
    for (const stage of [...stages.before, ...stages.after]) await stage.close?.();
    expect(JSON.parse(state.response!.toString()).prediction.classIndex).toBe(0);
    expect(tempFiles).toHaveLength(1);
    expect(existsSync(tempFiles[0]!)).toBe(false);
    expect(readFileSync(join(ctx.scratchDir, 'requests.log'), 'utf8').split('\n')).toHaveLength(2);
    expect((await readdir(ctx.scratchDir)).sort()).toEqual(['preprocess_config.json', 'requests.log']);
  });

  it('thin server (client-side tensors, cached config, no log) gives the same answer', async () => {
    const tempFiles: string[] = [];
    const ctx = context('thin', { preprocess: { where: 'client' }, payloadSpool: { mode: 'temp-file', thresholdBytes: 0 } }, tempFiles);
    const stages = createPipelineStages(ctx);
    const body = await readFile(paths['solid.png']);
    const request = await encodeClientRequest(body, { width: 8, height: 8, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'cover' });
    const state = await serve(stages, request, 12);
    expect(JSON.parse(state.response!.toString()).prediction.classIndex).toBe(0);
    expect(tempFiles).toEqual([]);
  });
});
