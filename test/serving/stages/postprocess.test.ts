import { describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';
import { createPostprocessStage, predictionFromLogits } from '../../../src/serving/stages/postprocess.js';
import { createSerializeStage } from '../../../src/serving/stages/serialize.js';
import { RequestFailure, type RequestState, type StageContext } from '../../../src/serving/stage.js';

const ctx: StageContext = { spec: ProfileSpec.parse({}), inputShape: [3, 224, 224], scratchDir: '/nonexistent' };

describe('postprocess stage', () => {
  it('softmax then top-5, most probable first', () => {
    // Logits ln(1..7) in shuffled order: softmax gives k/28 for logit ln(k) (1+2+...+7 = 28).
    const k = [3, 7, 1, 5, 2, 6, 4];
    const state: RequestState = { id: 1, request: { contentType: 'x', body: Buffer.alloc(0) }, output: Float32Array.from(k.map(Math.log)) };
    // Synchronous (run returns void): were it not, state.prediction would be unset and this fails.
    void createPostprocessStage(ctx).run(state);
    const p = state.prediction!;
    expect(p.classIndex).toBe(1);
    expect(p.score).toBeCloseTo(7 / 28, 6);
    expect(p.top.map((t) => t.classIndex)).toEqual([1, 5, 3, 6, 0]);
    expect(p.top.map((t) => t.score)).toEqual([7, 6, 5, 4, 3].map((n) => expect.closeTo(n / 28, 6)));
  });

  it('is stable for huge logits and keeps the lower index first on ties', () => {
    const p = predictionFromLogits(Float32Array.from([1000, 1000, -1000]), 5);
    expect(p.top).toEqual([
      { classIndex: 0, score: 0.5 },
      { classIndex: 1, score: 0.5 },
      { classIndex: 2, score: 0 },
    ]);
  });

  it('fails the request when there is no output', () => {
    const state: RequestState = { id: 1, request: { contentType: 'x', body: Buffer.alloc(0) } };
    expect(() => createPostprocessStage(ctx).run(state)).toThrow(new RequestFailure('postprocess', 'no model output'));
  });
});

describe('serialize stage', () => {
  it('writes { id, prediction } as JSON', () => {
    const prediction = { classIndex: 2, score: 0.9, top: [{ classIndex: 2, score: 0.9 }] };
    const state: RequestState = { id: 42, request: { contentType: 'x', body: Buffer.alloc(0) }, prediction };
    // Synchronous (run returns void): were it not, state.response would be unset and this fails.
    void createSerializeStage(ctx).run(state);
    expect(JSON.parse(state.response!.toString('utf8'))).toEqual({ id: 42, prediction });
  });

  it('fails the request when there is no prediction', () => {
    const state: RequestState = { id: 1, request: { contentType: 'x', body: Buffer.alloc(0) } };
    expect(() => createSerializeStage(ctx).run(state)).toThrow(/serialize: no prediction/);
  });
});
