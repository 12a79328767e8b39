import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../../src/schema/profileSpec.js';
import { createRequestLogStage, DEFAULT_REQUEST_LOG_FILE } from '../../../src/serving/stages/requestLog.js';
import { startLogSink } from '../../../src/serving/logSink.js';
import { RequestFailure, type RequestState, type Stage, type StageContext } from '../../../src/serving/stage.js';

// Pass-through spies on the file calls the log writers make, to count opens and fsyncs.
const fsCalls = vi.hoisted(() => ({ openSync: 0, fsync: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      fsCalls.openSync++;
      return fs.openSync(...args);
    },
    fsync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      fsCalls.fsync++;
      fs.fsync(fd, callback);
    },
  };
});

let scratchDir: string;
let logPath: string;
const stages: Stage[] = [];
beforeEach(async () => {
  scratchDir = await mkdtemp(join(tmpdir(), 'cp-requestlog-'));
  logPath = join(scratchDir, DEFAULT_REQUEST_LOG_FILE);
  fsCalls.openSync = 0;
  fsCalls.fsync = 0;
});
afterEach(async () => {
  for (const stage of stages.splice(0)) await stage.close?.().catch(() => {});
  await rm(scratchDir, { recursive: true, force: true });
});

function createStage(requestLog: NonNullable<ProfileSpecInput['pipeline']>['requestLog']): Stage {
  const ctx: StageContext = { spec: ProfileSpec.parse({ pipeline: { requestLog } }), inputShape: [3, 224, 224], scratchDir };
  const stage = createRequestLogStage(ctx);
  stages.push(stage);
  return stage;
}

function request(id: number): RequestState {
  return { id, request: { contentType: 'image/jpeg', body: Buffer.alloc(0) }, prediction: { classIndex: id % 5, score: 0.5, top: [{ classIndex: id % 5, score: 0.5 }] } };
}

function logLines(): string[] {
  if (!existsSync(logPath)) return [];
  return readFileSync(logPath, 'utf8').split('\n').filter((line) => line.length > 0);
}

describe('requestLog stage', () => {
  it('off: writes nothing', async () => {
    const stage = createStage({ mode: 'off' });
    await stage.run(request(1));
    expect(existsSync(logPath)).toBe(false);
    expect(fsCalls.openSync).toBe(0);
  });

  it('file: appends one JSON line per request to a file opened once', async () => {
    const stage = createStage({ mode: 'file' });
    for (let id = 1; id <= 3; id++) {
      await stage.run(request(id));
      expect(logLines()).toHaveLength(id);
    }
    expect(fsCalls.openSync).toBe(1);
    expect(fsCalls.fsync).toBe(0);
    const record = JSON.parse(logLines()[2]!);
    expect(record).toEqual({ userId: 'user-0003', timestamp: expect.any(String), requestId: 3, prediction: request(3).prediction });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
  });

  it('file: honours a configured path', async () => {
    const path = join(scratchDir, 'nested', 'my.log');
    const stage = createStage({ mode: 'file', path });
    await stage.run(request(1));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
  });

  it('file-fsync: appends and fsyncs on every request', async () => {
    const stage = createStage({ mode: 'file-fsync' });
    for (let id = 1; id <= 3; id++) {
      await stage.run(request(id));
      expect(logLines()).toHaveLength(id);
      expect(fsCalls.fsync).toBe(id);
    }
    expect(fsCalls.openSync).toBe(1);
  });

  it('async: the file grows only in batches of flushEveryRecords; close() flushes the rest', async () => {
    const stage = createStage({ mode: 'async', flushEveryRecords: 3, flushIntervalMs: 600_000 });
    await stage.run(request(1));
    await stage.run(request(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines()).toHaveLength(0);
    await stage.run(request(3)); // the third record triggers a flush, in the background
    await vi.waitFor(() => expect(logLines()).toHaveLength(3));
    await stage.run(request(4));
    await stage.run(request(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines()).toHaveLength(3);
    await stage.close!();
    expect(logLines().map((line) => JSON.parse(line).requestId)).toEqual([1, 2, 3, 4, 5]);
    expect(fsCalls.fsync).toBe(0);
  });

  it('async: flushes every flushIntervalMs even below the batch size', async () => {
    const stage = createStage({ mode: 'async', flushEveryRecords: 1000, flushIntervalMs: 20 });
    await stage.run(request(1));
    await vi.waitFor(() => expect(logLines()).toHaveLength(1));
  });

  it('http: POSTs every record to the sink and waits for its answer', async () => {
    const sink = await startLogSink();
    try {
      const stage = createStage({ mode: 'http', url: sink.url });
      for (let id = 1; id <= 3; id++) {
        await stage.run(request(id));
        expect(sink.received()).toBe(id);
      }
      expect(existsSync(logPath)).toBe(false);
      await stage.close!();
    } finally {
      await sink.close();
    }
  });

  it('http: the POST body is the JSON record', async () => {
    const bodies: { contentType: string | undefined; body: string }[] = [];
    const capturing = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push({ contentType: req.headers['content-type'], body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => capturing.listen(0, '127.0.0.1', resolve));
    try {
      const stage = createStage({ mode: 'http', url: `http://127.0.0.1:${(capturing.address() as AddressInfo).port}/log` });
      await stage.run(request(8));
      await stage.close!();
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.contentType).toBe('application/json');
      expect(JSON.parse(bodies[0]!.body)).toMatchObject({ userId: 'user-0008', requestId: 8, prediction: request(8).prediction });
    } finally {
      capturing.closeAllConnections();
      await new Promise((resolve) => capturing.close(resolve));
    }
  });

  it('http: a non-2xx answer or an unreachable sink fails the request in requestLog', async () => {
    const failing = http.createServer((_request, response) => response.writeHead(503).end());
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const port = (failing.address() as AddressInfo).port;
    try {
      const stage = createStage({ mode: 'http', url: `http://127.0.0.1:${port}/log` });
      await expect(stage.run(request(1))).rejects.toThrow(new RequestFailure('requestLog', 'log sink answered HTTP 503'));
      await stage.close!();
    } finally {
      failing.closeAllConnections();
      await new Promise((resolve) => failing.close(resolve));
    }
    // The same port, now closed: nobody listens.
    const stage = createStage({ mode: 'http', url: `http://127.0.0.1:${port}/log` });
    await expect(stage.run(request(1))).rejects.toThrow(/requestLog: log sink unreachable: ECONNREFUSED/);
  });

  it('http: refuses to start without a url', () => {
    expect(() => createStage({ mode: 'http' })).toThrow(/needs spec\.pipeline\.requestLog\.url/);
  });
});

describe('log sink', () => {
  it('counts POSTs only, and closes while clients hold keep-alive connections', async () => {
    const sink = await startLogSink();
    const agent = new http.Agent({ keepAlive: true });
    const send = (method: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request(sink.url, { method, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? '{"a":1}' : undefined);
      });
    expect(await send('POST')).toBe(204);
    expect(await send('GET')).toBe(405);
    expect(await send('POST')).toBe(204);
    expect(sink.received()).toBe(2);
    await sink.close();
    agent.destroy();
  });
});
