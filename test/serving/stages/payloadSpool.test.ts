import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../../src/schema/profileSpec.js';
import { createPayloadSpoolStage } from '../../../src/serving/stages/payloadSpool.js';
import type { RequestState, StageContext } from '../../../src/serving/stage.js';

let scratchDir: string;
let seen: { path: string; existed: boolean; bytes: Buffer | undefined }[];
beforeEach(async () => {
  scratchDir = await mkdtemp(join(tmpdir(), 'cp-spool-'));
  seen = [];
});
afterEach(async () => {
  await rm(scratchDir, { recursive: true, force: true });
});

function context(payloadSpool: NonNullable<ProfileSpecInput['pipeline']>['payloadSpool']): StageContext {
  return {
    spec: ProfileSpec.parse({ pipeline: { payloadSpool } }),
    inputShape: [3, 224, 224],
    scratchDir,
    // Look at the temp file while the stage holds it: it must really be on disk, with the payload.
    observe: { onTempFile: (path) => seen.push({ path, existed: existsSync(path), bytes: existsSync(path) ? readFileSync(path) : undefined }) },
  };
}

function request(payload?: Buffer): RequestState {
  return { id: 7, request: { contentType: 'image/jpeg', body: payload ?? Buffer.alloc(0) }, payload };
}

describe('payloadSpool stage', () => {
  it('temp-file: a payload above the threshold goes through a real temp file, deleted afterwards', async () => {
    const stage = createPayloadSpoolStage(context({ mode: 'temp-file', thresholdBytes: 100 }));
    const payload = Buffer.from(Array.from({ length: 101 }, (_, i) => i));
    const state = request(payload);
    await stage.run(state);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.existed).toBe(true);
    expect(seen[0]!.bytes).toEqual(payload);
    expect(dirname(seen[0]!.path)).toBe(scratchDir);
    expect(existsSync(seen[0]!.path)).toBe(false);
    expect(await readdir(scratchDir)).toEqual([]);
    // The payload now is what was read back from disk: equal bytes, a different buffer.
    expect(state.payload).toEqual(payload);
    expect(state.payload).not.toBe(payload);
  });

  it('temp-file: payloads at or below the threshold stay in memory', async () => {
    const stage = createPayloadSpoolStage(context({ mode: 'temp-file', thresholdBytes: 100 }));
    const payload = Buffer.alloc(100, 1);
    const state = request(payload);
    await stage.run(state);
    expect(seen).toEqual([]);
    expect(state.payload).toBe(payload);
  });

  it('temp-file: concurrent requests get distinct files', async () => {
    const stage = createPayloadSpoolStage(context({ mode: 'temp-file', thresholdBytes: 0 }));
    const states = [1, 2, 3, 4].map((n) => request(Buffer.alloc(10, n)));
    await Promise.all(states.map(async (s) => stage.run(s)));
    expect(new Set(seen.map((s) => s.path)).size).toBe(4);
    expect(states.map((s) => s.payload![0])).toEqual([1, 2, 3, 4]);
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('temp-file: client-side tensors (no payload) are not spooled', async () => {
    const stage = createPayloadSpoolStage(context({ mode: 'temp-file', thresholdBytes: 0 }));
    const state = request(undefined);
    state.tensor = new Float32Array(12);
    await stage.run(state);
    expect(seen).toEqual([]);
    expect(state.payload).toBeUndefined();
  });

  it('memory: never touches the disk', async () => {
    const stage = createPayloadSpoolStage(context({ mode: 'memory', thresholdBytes: 0 }));
    const payload = Buffer.alloc(1000, 3);
    const state = request(payload);
    await stage.run(state);
    expect(seen).toEqual([]);
    expect(state.payload).toBe(payload);
  });
});
