import { describe, expect, it } from 'vitest';
import { formatServerTiming, parseServerTiming } from '../../../src/server/agent/serverTiming.js';

describe('formatServerTiming', () => {
  it('lists stages in pipeline order (not insertion order), 3 decimals, then total', () => {
    const header = formatServerTiming({ infer: 3.84512, deserialize: 0.0214, queueWait: 0, configLoad: 0.0041 }, 12.3);
    expect(header).toBe('deserialize;dur=0.021, configLoad;dur=0.004, queueWait;dur=0.000, infer;dur=3.845, total;dur=12.300');
  });

  it("puts the agent's own steps after the stages and before total, in the order given", () => {
    expect(formatServerTiming({ infer: 1 }, 9, { bodyRead: 2.5, kserveDecode: 4 })).toBe('infer;dur=1.000, bodyRead;dur=2.500, kserveDecode;dur=4.000, total;dur=9.000');
  });

  it('writes no negative durations (clock jitter) and skips stages that did not run', () => {
    expect(formatServerTiming({ deserialize: -0.0000004, preprocess: undefined }, 1)).toBe('deserialize;dur=0.000, total;dur=1.000');
    expect(formatServerTiming({}, 0.5)).toBe('total;dur=0.500');
  });
});

describe('parseServerTiming', () => {
  it('round-trips what formatServerTiming writes, to the microsecond', () => {
    const stageMs = { deserialize: 0.021, configLoad: 0.004, payloadSpool: 0.001, preprocess: 7.96, queueWait: 0.244, infer: 3.845, postprocess: 0.194, requestLog: 0.004, serialize: 0.091 };
    expect(parseServerTiming(formatServerTiming(stageMs, 16.64))).toEqual({ ...stageMs, total: 16.64 });
  });

  it("reads other servers' headers: descriptions with commas and semicolons, quoted and reordered params, no dur", () => {
    const header = 'db;desc="SELECT a, b; FROM t";dur=12, cache;desc="hit", app;DUR="3.5";desc=x,  edge ; dur = 0.25 , miss;dur=abc';
    expect(parseServerTiming(header)).toEqual({ db: 12, app: 3.5, edge: 0.25 });
  });

  it('handles escaped quotes in descriptions, joined headers, repeats (first wins) and nothing at all', () => {
    expect(parseServerTiming('a;desc="say \\"hi, there\\"";dur=1, a;dur=2, b;dur=2.5')).toEqual({ a: 1, b: 2.5 });
    expect(parseServerTiming(null)).toEqual({});
    expect(parseServerTiming('')).toEqual({});
    expect(parseServerTiming('total')).toEqual({});
  });
});
