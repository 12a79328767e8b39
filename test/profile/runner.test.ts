import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunEventBus, type RunEvent, type RunEventListener } from '../../src/profile/events.js';
import { runProfile, type RunProfileOptions } from '../../src/profile/runner.js';
import { realClock } from '../../src/util/clock.js';
import { PREPROCESS_CONFIG_FILE } from '../../src/serving/stages/configLoad.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec, STAGE_NAMES, type ProfileSpecInput } from '../../src/schema/profileSpec.js';
import { makeFixtureImages } from '../fixtures/images/makeImages.js';

/**
 * The I/O settings of the request pipeline, each doing its real operation during a whole profile
 * run (the stage tests in ./stages check each stage alone). A short run of the tiny model on a
 * handful of small real images: 0.2 s warm-up and three 0.3 s windows.
 */

let dir: string;
let home: string;
let imagesDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-runner-'));
  home = join(dir, 'home');
  const all = await makeFixtureImages(join(dir, 'all-images'));
  // Only the images that decode: these runs are about I/O, not failures.
  imagesDir = join(dir, 'images');
  await mkdir(imagesDir);
  for (const name of ['photo.jpg', 'photo.webp', 'solid.png', 'gray.png', 'rgba.png', 'orientation6.jpg'] as const) {
    await copyFile(all[name], join(imagesDir, name));
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spec(name: string, pipeline: ProfileSpecInput['pipeline']): ProfileSpec {
  return ProfileSpec.parse({
    name,
    model: { source: 'tiny' },
    engine: { instances: 1, intraOpNumThreads: 1 },
    pipeline,
    batching: { policy: 'triton', maxBatchSize: 4, maxQueueDelayUs: 500 },
    load: { kind: 'closed-loop', concurrency: 4 },
    // Three windows, whatever their length: a window holding fewer than 50 requests is stretched
    // (src/profile/core/stability.ts), so the duration bound is loose enough for a slow, busy host.
    measurement: { warmupS: 0.2, windowS: 0.3, maxWindows: 3, stabilityPct: 100, durationS: 30 },
    images: { kind: 'dir', path: imagesDir },
  });
}

async function profile(s: ProfileSpec, { onEvent, ...extra }: Partial<RunProfileOptions> & { onEvent?: RunEventListener } = {}): Promise<ProfileResult> {
  const events = createRunEventBus({ runId: s.name, clock: realClock });
  if (onEvent) events.subscribe(onEvent);
  const result = await runProfile({
    events,
    spec: s,
    home,
    env: { AWS_EC2_METADATA_DISABLED: 'true' },
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    ...extra,
  });
  // What the CLI writes must be a valid document.
  return ProfileResult.parse(result);
}

/** Every request the pipeline served: the cold-start one, warm-up, the windows and the drain. */
function expectHealthyRun(result: ProfileResult): void {
  expect(result.requests.failed).toBe(0);
  expect(result.requests.failures).toEqual([]);
  expect(result.requests.completed).toBeGreaterThan(0);
  expect(result.throughputRps).toBeGreaterThan(0);
}

function stage(result: ProfileResult, name: string) {
  const found = result.stages.find((s) => s.name === name);
  expect(found, `stage ${name}`).toBeDefined();
  return found!;
}

describe('runProfile with the tiny model', () => {
  it('measures every pipeline stage with percentiles, from the windows it used', async () => {
    const result = await profile(spec('stages', {}));
    expectHealthyRun(result);
    expect(result.stages.map((s) => s.name)).toEqual(STAGE_NAMES.filter((n) => n !== 'network'));
    for (const s of result.stages) {
      expect(s.count).toBe(result.requests.completed);
      expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
      expect(s.p95Ms).toBeLessThanOrEqual(s.p99Ms);
    }
    expect(result.model).toMatchObject({ source: 'tiny', inputName: 'input', inputShape: ['N', 3, 224, 224], outputShape: ['N', 10] });
    expect(result.model!.path).toBe(join(home, 'models', 'tiny-seed1.onnx'));
    expect(result.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(result.measurement.windows).toHaveLength(3);
    expect(result.requests.completed).toBe(result.measurement.windows.reduce((n, w) => n + w.completed, 0));
  });
});

describe('runProfile with TorchServe batching and no max delay', () => {
  it('the cold-start request, sent alone before any load, is not held forever waiting for a full batch', async () => {
    // 8 concurrent clients fill every batch of 8 under load; the cold-start request has no company.
    const s: ProfileSpec = {
      ...spec('torchserve-cold-start', {}),
      batching: { policy: 'torchserve', batchSize: 8, maxBatchDelayMs: null },
      load: { kind: 'closed-loop', concurrency: 8 },
    };
    // A liveness bound, not a timing: the run takes about a second and a half when it works.
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      profile(s).then((result) => result),
      new Promise<string>((resolve) => (bound = setTimeout(() => resolve('still waiting after 20 s'), 20_000))),
    ]);
    clearTimeout(bound);
    expect(outcome).not.toBe('still waiting after 20 s');
    const result = outcome as ProfileResult;
    expectHealthyRun(result);
    expect(result.coldStart.firstRequestMs).toBeGreaterThan(0);
    expect(result.warnings.filter((w) => w.startsWith('the first request failed'))).toEqual([]);
    // Under load every batch is full.
    expect(Object.keys(result.batches.sizeCounts)).toEqual(['8']);
  }, 40_000);
});

describe('payloadSpool temp-file during a run', () => {
  it('every payload goes through a real temp file, present while the stage holds it, removed afterwards', async () => {
    const seen: { path: string; existed: boolean; bytes: number }[] = [];
    const result = await profile(spec('spool', { payloadSpool: { mode: 'temp-file', thresholdBytes: 0 } }), {
      observe: {
        onTempFile: (path) => seen.push({ path, existed: existsSync(path), bytes: existsSync(path) ? statSync(path).size : -1 }),
      },
    });
    expectHealthyRun(result);
    // Threshold 0: every request spooled, measured or not (cold start, warm-up, drain).
    expect(seen.length).toBeGreaterThanOrEqual(result.requests.completed);
    expect(seen.every((s) => s.existed)).toBe(true);
    const imageSizes = new Set(['photo.jpg', 'photo.webp', 'solid.png', 'gray.png', 'rgba.png', 'orientation6.jpg'].map((n) => statSync(join(imagesDir, n)).size));
    expect(seen.every((s) => imageSizes.has(s.bytes))).toBe(true);
    expect(new Set(seen.map((s) => s.path)).size).toBe(seen.length);
    // Each file is gone, and so is the run's scratch directory they were in.
    expect(seen.some((s) => existsSync(s.path))).toBe(false);
    const scratch = dirname(seen[0]!.path);
    expect(basename(scratch)).toMatch(/^capacity-plan-run-/);
    expect(existsSync(scratch)).toBe(false);
  });

  it('memory: no temp file at all', async () => {
    const seen: string[] = [];
    const result = await profile(spec('memory', { payloadSpool: { mode: 'memory' } }), { observe: { onTempFile: (path) => seen.push(path) } });
    expectHealthyRun(result);
    expect(seen).toEqual([]);
  });
});

describe('requestLog during a run', () => {
  for (const mode of ['file', 'file-fsync', 'async'] as const) {
    it(`${mode}: the log file grows while the run goes on, one JSON record per request served`, async () => {
      const logPath = join(dir, `requests-${mode}.log`);
      const sizes: number[] = [];
      const onEvent = (event: RunEvent): void => {
        if (event.type === 'window') sizes.push(existsSync(logPath) ? statSync(logPath).size : 0);
      };
      const result = await profile(spec(`log-${mode}`, { requestLog: { mode, path: logPath, flushEveryRecords: 4, flushIntervalMs: 50 } }), { onEvent });
      expectHealthyRun(result);
      expect(sizes).toHaveLength(3);
      // Written during the run, not only at the end; and still growing in later windows.
      expect(sizes[0]).toBeGreaterThan(0);
      for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]!);
      const finalSize = statSync(logPath).size;
      expect(finalSize).toBeGreaterThan(sizes[0]!);

      const records = readFileSync(logPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(records.length).toBeGreaterThanOrEqual(result.requests.completed);
      expect(new Set(records.map((r) => r.requestId)).size).toBe(records.length);
      for (const r of records) {
        expect(r.userId).toMatch(/^user-\d{4}$/);
        expect(r.prediction.classIndex).toBeGreaterThanOrEqual(0);
        expect(r.prediction.classIndex).toBeLessThan(10);
      }
      expect(stage(result, 'requestLog').count).toBe(result.requests.completed);
      await unlink(logPath);
    });
  }

  it('http: every request POSTs its record to the sink URL (a real server on port 0)', async () => {
    const bodies: string[] = [];
    const sink = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/requests') bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/requests`;
      const result = await profile(spec('log-http', { requestLog: { mode: 'http', url } }));
      expectHealthyRun(result);
      expect(bodies.length).toBeGreaterThanOrEqual(result.requests.completed);
      const records = bodies.map((b) => JSON.parse(b));
      expect(new Set(records.map((r) => r.requestId)).size).toBe(records.length);
      expect(records.every((r) => typeof r.timestamp === 'string' && r.prediction !== null)).toBe(true);
      expect(result.spec!.pipeline.requestLog.url).toBe(url);
    } finally {
      sink.closeAllConnections();
      await new Promise((resolve) => sink.close(resolve));
    }
  });

  it('http without a URL: the runner starts its own local sink and every request succeeds', async () => {
    const result = await profile(spec('log-http-local', { requestLog: { mode: 'http' } }));
    expectHealthyRun(result);
    expect(stage(result, 'requestLog').count).toBe(result.requests.completed);
  });
});

describe('configLoad during a run', () => {
  it('per-request: the file is read for every request; an edit mid-run shows up in the next requests', async () => {
    const reads: string[] = [];
    let edited = false;
    const onEvent = (event: RunEvent): void => {
      // After the first window, break the file on disk: per-request loading must notice.
      if (event.type === 'window' && event.window.index === 0) {
        writeFileSync(reads[0]!, '{"width": 224, ');
        edited = true;
      }
    };
    const result = await profile(spec('config-per-request', { configLoad: 'per-request' }), { observe: { onConfigRead: (p) => reads.push(p) }, onEvent });
    expect(edited).toBe(true);
    expect(basename(reads[0]!)).toBe(PREPROCESS_CONFIG_FILE);
    expect(new Set(reads).size).toBe(1);
    // One read per request that got as far as configLoad before the edit (the cold start included).
    const firstWindow = result.measurement.windows[0]!;
    expect(firstWindow.failed).toBe(0);
    expect(reads.length).toBeGreaterThan(firstWindow.completed);
    // After the edit, requests fail in configLoad with the reason, and the run goes on.
    const failures = result.requests.failures;
    expect(failures.map((f) => f.reason)).toEqual([`configLoad: ${PREPROCESS_CONFIG_FILE} is not valid JSON`]);
    expect(failures[0]!.count).toBe(result.requests.failed);
    expect(result.measurement.windows.slice(1).every((w) => w.failed > 0)).toBe(true);
  });

  it('cached: read once when the pipeline starts; the same edit mid-run changes nothing', async () => {
    const reads: string[] = [];
    const onEvent = (event: RunEvent): void => {
      if (event.type === 'window' && event.window.index === 0) writeFileSync(reads[0]!, '{"width": 224, ');
    };
    const result = await profile(spec('config-cached', { configLoad: 'cached' }), { observe: { onConfigRead: (p) => reads.push(p) }, onEvent });
    expect(reads).toHaveLength(1);
    expect(basename(reads[0]!)).toBe(PREPROCESS_CONFIG_FILE);
    expectHealthyRun(result);
  });
});
