import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROFILE_SCHEMA_VERSION, ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { readAnyDocument, readDocument, writeJsonAtomic } from '../../src/util/documents.js';
import { ExitCode, InputError } from '../../src/util/errors.js';
import { profileDoc } from '../support/samples.js';

// Pass-through wrappers around the calls an atomic write makes, so a test can look at the disk
// just before the rename, see that the data was flushed first, or make the write fail part-way as
// a full disk would.
const hooks = vi.hoisted(() => ({
  beforeRename: undefined as ((from: string, to: string) => void) | undefined,
  failWriteAfterBytes: undefined as number | undefined,
  events: [] as string[],
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      hooks.events.push('rename');
      hooks.beforeRename?.(from, to);
      return fs.rename(from, to);
    },
    open: async (path: string, flags: string) => {
      const handle = await fs.open(path, flags);
      return {
        writeFile: async (data: string | Uint8Array) => {
          hooks.events.push('write');
          if (hooks.failWriteAfterBytes === undefined) return handle.writeFile(data);
          // A full disk: part of the data lands, then the write fails.
          await handle.writeFile(Buffer.from(data).subarray(0, hooks.failWriteAfterBytes));
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
        },
        sync: async () => {
          hooks.events.push('fsync');
          return handle.sync();
        },
        close: async () => {
          hooks.events.push('close');
          return handle.close();
        },
      };
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-documents-'));
  hooks.beforeRename = undefined;
  hooks.failWriteAfterBytes = undefined;
  hooks.events = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A complete measured document: spec, model, windows, stages, HTTP server latency, extras. */
function fullDocument(name = 'round-trip'): ProfileResult {
  const latency = { count: 120, meanMs: 12.5, minMs: 3.25, p50Ms: 11, p90Ms: 19.5, p95Ms: 22.125, p99Ms: 30, maxMs: 41 };
  return ProfileResult.parse(
    profileDoc({
      name,
      spec: ProfileSpec.parse({ name, model: { source: 'tiny' }, batching: { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8] } }),
      model: {
        source: 'tiny',
        path: '/home/me/.capacity-plan/models/tiny-seed1.onnx',
        sha256: 'ab'.repeat(32),
        bytes: 99_812,
        inputName: 'input',
        inputShape: ['N', 3, 224, 224],
        inputType: 'float32',
        outputName: 'logits',
        outputShape: ['N', 10],
      },
      measurement: {
        stable: false,
        stabilityNote: 'throughput varied 12.0%',
        warmupS: 0.5,
        measuredS: 1.5,
        windows: [0, 1, 2].map((index) => ({
          index,
          startMs: 500 + index * 500,
          durationMs: 500.25,
          completed: 40,
          failed: index,
          dropped: 0,
          throughputRps: 79.96,
          latency,
          cpuUtilPct: 37.5,
          rssMiB: 210.2,
        })),
      },
      latency: { endToEnd: latency, server: { ...latency, meanMs: 10 }, endToEndHistogram: null, distribution: [{ percentile: 50, latencyMs: 40 }] },
      stages: [
        { name: 'deserialize', ...latency, sharePct: 1.5 },
        { name: 'infer', ...latency, sharePct: 61.25 },
      ],
      requests: { completed: 120, failed: 3, dropped: 1, failures: [{ reason: 'preprocess: Input buffer contains unsupported image format', count: 3 }] },
      utilization: { cpuPct: 37.5, rssMiB: { mean: 200, max: 210.2 } },
      coldStart: { modelLoadMs: 85, firstRequestMs: 40.5, warmMedianMs: 11 },
      costExtras: [{ item: 'request logging (file)', usdPerMonth: 35 }],
      warnings: ['unstable: throughput varied 12.0%'],
    }),
  );
}

const read = (path: string) => readDocument(path, ProfileResult, 'profile', PROFILE_SCHEMA_VERSION);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('profile document round trip', () => {
  it('writeJsonAtomic then readDocument gives back an equal document', async () => {
    const doc = fullDocument();
    const path = join(dir, 'results', 'nested', 'round-trip.json');
    await writeJsonAtomic(path, doc);
    const back = await read(path);
    expect(back).toEqual(doc);
    // And the file is the document as pretty JSON with a final newline.
    expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('refuses a document of another schemaVersion with one line naming both versions', async () => {
    const path = join(dir, 'future.json');
    await writeFile(path, JSON.stringify({ ...fullDocument(), schemaVersion: 3 }));
    const error = await rejection(read(path));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.input);
    expect((error as InputError).oneLine()).toBe(
      `profile '${path}' has schemaVersion 3, this version of capacity-plan reads schemaVersion 2 (regenerate it with this version of capacity-plan)`,
    );
  });

  it('refuses a missing file, bad JSON and a bad field, each in one line', async () => {
    const missing = await rejection(read(join(dir, 'nope.json')));
    expect((missing as InputError).oneLine()).toBe(`cannot read profile '${join(dir, 'nope.json')}': no such file (check the path)`);

    const badJson = join(dir, 'bad.json');
    await writeFile(badJson, '{"schemaVersion": 1,');
    const notJson = await rejection(read(badJson));
    expect(notJson).toBeInstanceOf(InputError);
    expect(notJson.message).toMatch(new RegExp(`^profile '${badJson}' is not valid JSON: `));
    expect(notJson.message).not.toContain('\n');

    const badField = join(dir, 'bad-field.json');
    await writeFile(badField, JSON.stringify({ ...fullDocument(), throughputRps: -1 }));
    const invalid = await rejection(read(badField));
    expect(invalid.message).toMatch(new RegExp(`^profile '${badField}' is invalid: throughputRps: `));
    expect(invalid.message).not.toContain('\n');
  });
});

describe('writeJsonAtomic', () => {
  it('the target does not exist until the rename; the complete document is in a temp file beside it', async () => {
    const doc = fullDocument();
    const path = join(dir, 'doc.json');
    const seen: { from: string; targetExisted: boolean; tempText: string }[] = [];
    hooks.beforeRename = (from, to) => {
      expect(to).toBe(path);
      seen.push({ from, targetExisted: existsSync(to), tempText: readFileSync(from, 'utf8') });
    };
    await writeJsonAtomic(path, doc);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.targetExisted).toBe(false);
    expect(dirname(seen[0]!.from)).toBe(dir);
    expect(basename(seen[0]!.from)).toMatch(/^doc\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(seen[0]!.tempText).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('replacing a document: the old one stays whole until the rename swaps in the new one', async () => {
    const path = join(dir, 'doc.json');
    const old = fullDocument('old');
    await writeJsonAtomic(path, old);
    let atRename: ProfileResult | undefined;
    hooks.beforeRename = () => {
      atRename = ProfileResult.parse(JSON.parse(readFileSync(path, 'utf8')));
    };
    await writeJsonAtomic(path, fullDocument('new'));
    expect(atRename).toEqual(old);
    expect((await read(path)).name).toBe('new');
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('flushes the temp file to disk before the rename swaps it in', async () => {
    await writeJsonAtomic(join(dir, 'doc.json'), fullDocument());
    expect(hooks.events).toEqual(['write', 'fsync', 'close', 'rename']);
  });

  it('a write that fails part-way leaves the previous document intact and no temp file', async () => {
    const path = join(dir, 'doc.json');
    const previous = fullDocument('previous');
    await writeJsonAtomic(path, previous);
    const before = await readFile(path, 'utf8');
    hooks.failWriteAfterBytes = 100;
    let renamed = false;
    hooks.beforeRename = () => {
      renamed = true;
    };
    await expect(writeJsonAtomic(path, fullDocument('next'))).rejects.toThrow(/ENOSPC/);
    expect(renamed).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await read(path)).toEqual(previous);
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('a rename that fails (the target is a directory) removes the temp file', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'child'), { recursive: true });
    await expect(writeJsonAtomic(path, fullDocument())).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['child']);
  });
});

describe('readAnyDocument', () => {
  it('tells profiles from sweeps and plans by their kind', async () => {
    const path = join(dir, 'p.json');
    await writeJsonAtomic(path, fullDocument('mine'));
    const doc = await readAnyDocument(path, 'p.json');
    expect(doc.kind).toBe('profile-result');
    expect(doc.path).toBe('p.json');
  });

  it('a binary file (an .onnx given by mistake) gets one line naming what was expected', async () => {
    const path = join(dir, 'model.onnx');
    await writeFile(path, Buffer.from([0x08, 0x07, 0x12, 0x00, 0xff, 0xfe]));
    const error = await readAnyDocument(path, 'model.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe("'model.onnx' is not a JSON document (expected a profile, sweep or plan document)");
    // No binary garbage: every character printable.
    expect([...(error as Error).message].every((c) => c >= ' ' && c !== '\ufffd')).toBe(true);
  });

  it('names an unknown kind and a missing file', async () => {
    const path = join(dir, 'x.json');
    await writeFile(path, '{"kind":"price-cache"}');
    await expect(readAnyDocument(path, 'x.json')).rejects.toThrow(`'x.json' has kind "price-cache" (expected a profile, sweep or plan document)`);
    await expect(readAnyDocument(join(dir, 'none.json'))).rejects.toThrow(/cannot read document .*: no such file/);
  });
});
