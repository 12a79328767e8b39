import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../../src/schema/profileSpec.js';
import { createConfigLoadStage, PREPROCESS_CONFIG_FILE } from '../../../src/serving/stages/configLoad.js';
import { RequestFailure, type RequestState, type StageContext } from '../../../src/serving/stage.js';

let scratchDir: string;
beforeEach(async () => {
  scratchDir = await mkdtemp(join(tmpdir(), 'cp-configload-'));
});
afterEach(async () => {
  await rm(scratchDir, { recursive: true, force: true });
});

function context(pipeline: ProfileSpecInput['pipeline']): StageContext {
  return { spec: ProfileSpec.parse({ pipeline }), inputShape: [3, 224, 200], scratchDir };
}

async function run(stage: ReturnType<typeof createConfigLoadStage>): Promise<RequestState> {
  const state: RequestState = { id: 1, request: { contentType: 'image/jpeg', body: Buffer.alloc(1) } };
  await stage.run(state);
  return state;
}

/** Rewrites the config file on disk with a different mean, as an operator editing it would. */
async function editMeanOnDisk(mean: [number, number, number]): Promise<void> {
  const path = join(scratchDir, PREPROCESS_CONFIG_FILE);
  const config = JSON.parse(await readFile(path, 'utf8'));
  await writeFile(path, JSON.stringify({ ...config, mean }));
}

describe('configLoad stage', () => {
  it('writes preprocess_config.json from the input shape and the spec at creation', async () => {
    createConfigLoadStage(context({ preprocess: { resize: 'fill', mean: [0.5, 0.5, 0.5] } }));
    const written = JSON.parse(await readFile(join(scratchDir, PREPROCESS_CONFIG_FILE), 'utf8'));
    expect(written).toEqual({ width: 200, height: 224, channels: 3, mean: [0.5, 0.5, 0.5], std: [0.229, 0.224, 0.225], resize: 'fill' });
  });

  it('per-request: reads the file from disk on every request (an edit shows up on the next one)', async () => {
    const stage = createConfigLoadStage(context({ configLoad: 'per-request' }));
    expect((await run(stage)).config?.mean).toEqual([0.485, 0.456, 0.406]);
    await editMeanOnDisk([0.1, 0.2, 0.3]);
    expect((await run(stage)).config?.mean).toEqual([0.1, 0.2, 0.3]);
  });

  it('cached: reads the file once at creation (an edit never shows up)', async () => {
    const stage = createConfigLoadStage(context({ configLoad: 'cached' }));
    await editMeanOnDisk([0.1, 0.2, 0.3]);
    expect((await run(stage)).config?.mean).toEqual([0.485, 0.456, 0.406]);
  });

  it('per-request: a broken or missing file fails the request in configLoad', async () => {
    const stage = createConfigLoadStage(context({ configLoad: 'per-request' }));
    const path = join(scratchDir, PREPROCESS_CONFIG_FILE);
    await writeFile(path, '{"width": 224');
    await expect(run(stage)).rejects.toThrow(new RequestFailure('configLoad', `${PREPROCESS_CONFIG_FILE} is not valid JSON`));
    await writeFile(path, JSON.stringify({ width: 224, height: 224, channels: 3, mean: [0, 0, 0], std: [0, 1, 1], resize: 'fill' }));
    await expect(run(stage)).rejects.toThrow(/configLoad: preprocess_config\.json is invalid: std\.0/);
    await rm(path);
    await expect(run(stage)).rejects.toThrow(/configLoad: cannot read preprocess_config\.json: ENOENT/);
  });

  it('refuses at creation an input shape preprocessing cannot produce', () => {
    expect(() => createConfigLoadStage({ ...context({}), inputShape: [4, 224, 224] })).toThrow(/channels/);
  });
});
