import { afterEach, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../src/server/report/documentStore.js';
import { LiveRunHub } from '../../src/server/report/liveRuns.js';
import { startReportServer, type ReportServer } from '../../src/server/report/server.js';
import { initialLiveState, reduceLive, type LiveWireEvent } from '../../web/lib/liveReducer.js';

/** Events as the SSE stream carries them (the tests give only the fields the reducer reads). */
const ev = (e: unknown): LiveWireEvent => e as LiveWireEvent;
import { fakeSource } from './fakeSource.js';

interface Frame {
  id?: number;
  event?: string;
  data?: Record<string, unknown>;
  retry?: number;
  comment?: string;
}

/** Reads SSE frames from a fetch response until `until` says stop or the stream ends. */
async function readFrames(res: Response, until: (frames: Frame[]) => boolean = () => false): Promise<Frame[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) frame.id = Number(line.slice(4));
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
        else if (line.startsWith('retry: ')) frame.retry = Number(line.slice(7));
      }
      frames.push(frame);
    }
    if (until(frames)) {
      await reader.cancel();
      break;
    }
  }
  return frames;
}

let server: ReportServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(keepAliveMs = 15_000) {
  const store = new DocumentStore();
  const hub = new LiveRunHub({ keepAliveMs, store });
  server = await startReportServer({ store, host: '127.0.0.1', port: 0, hub });
  const source = fakeSource('run-1');
  const run = hub.start({ runId: 'run-1', kind: 'profile', name: 'demo' }, source);
  return { hub, run, source, url: (path: string) => new URL(path, server!.url).href };
}

const events = (frames: Frame[]) => frames.filter((f) => f.id !== undefined);

describe('SSE /api/runs/:id/events', () => {
  it('streams every event in order with ids 1, 2, 3 ..., as text/event-stream, uncompressed, on the run clock', async () => {
    const { source, url } = await setUp();
    source.publish({ type: 'phase', phase: 'model', message: 'loading' }, 5);
    const res = await fetch(url('/api/runs/run-1/events'), { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('content-encoding')).toBeNull();
    const reading = readFrames(res, (f) => events(f).length >= 4);
    source.publish({ type: 'phase', phase: 'measure', message: 'measuring' }, 1200);
    source.publish({ type: 'progress', elapsedMs: 2000, totalMs: 10000, completed: 10, failed: 0, dropped: 0 }, 2000);
    const got = events(await reading);
    expect(got.map((f) => [f.id, f.event, f.data!.atMs])).toEqual([
      [1, 'hello', 0],
      [2, 'phase', 5],
      [3, 'phase', 1200],
      [4, 'progress', 2000],
    ]);
    expect(got[0]!.data).toMatchObject({ kind: 'profile', name: 'demo', runId: 'run-1' });
  });

  it('replays only what follows Last-Event-ID; a page without one gets everything', async () => {
    const { source, url } = await setUp();
    for (let i = 0; i < 5; i++) source.publish({ type: 'warning', message: `w${i}` }, i * 100);
    const after = events(await readFrames(await fetch(url('/api/runs/run-1/events'), { headers: { 'Last-Event-ID': '4' } }), (f) => events(f).length >= 2));
    expect(after.map((f) => f.id)).toEqual([5, 6]);
    const all = events(await readFrames(await fetch(url('/api/runs/run-1/events')), (f) => events(f).length >= 6));
    expect(all.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const json = (await (await fetch(url('/api/runs/run-1/events.json?after=5'))).json()) as { events: { id: number }[] };
    expect(json.events.map((e) => e.id)).toEqual([6]);
  });

  it('sends keep-alive comments while nothing happens', async () => {
    const { url } = await setUp(30);
    const frames = await readFrames(await fetch(url('/api/runs/run-1/events')), (f) => f.filter((x) => x.comment === 'keep-alive').length >= 2);
    expect(frames.filter((x) => x.comment === 'keep-alive').length).toBeGreaterThanOrEqual(2);
  });

  it('ends with `report` (retry set to never), then the stream closes; a late page replays it all and ends too', async () => {
    const { hub, source, url } = await setUp();
    const reading = readFrames(await fetch(url('/api/runs/run-1/events')));
    source.publish({ type: 'phase', phase: 'done', message: 'done' }, 9000);
    const doc = { kind: 'plan', createdAt: 'x' } as never;
    hub.finish('run-1', [{ name: 'demo.json', path: 'demo.json', sha256: '0'.repeat(64), document: doc }]);
    source.publish({ type: 'warning', message: 'after the end: dropped' }, 9500);
    const got = events(await reading);
    expect(got.map((f) => f.event)).toEqual(['hello', 'phase', 'report']);
    expect(got[2]!.retry).toBe(Number.MAX_SAFE_INTEGER);
    expect(got[2]!.data).toMatchObject({ atMs: 9000, documents: [{ id: 'demo' }] });
    const late = events(await readFrames(await fetch(url('/api/runs/run-1/events'))));
    expect(late.map((f) => f.id)).toEqual([1, 2, 3]);
  });

  it('closing the server does not wait for a connected page', async () => {
    const { url } = await setUp();
    const res = await fetch(url('/api/runs/run-1/events'));
    const reading = readFrames(res);
    await server!.close();
    server = undefined;
    // The stream ended from the server's side.
    expect(events(await reading).map((f) => f.event)).toEqual(['hello']);
  });

  it('an unknown run is a 404 with a JSON body', async () => {
    const { url } = await setUp();
    const res = await fetch(url('/api/runs/nope/events'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('the live reducer', () => {
  it('ignores an id it has seen: a replay after a reconnect changes nothing', () => {
    const window = (index: number) => ({ type: 'window', runId: 'r', atMs: index * 2000, window: { index, startMs: index * 2000 }, stable: false, note: 'n' });
    const s = initialLiveState();
    reduceLive(s, 1, ev({ type: 'hello', runId: 'r', atMs: 0, kind: 'profile', name: 'x', sla: null }));
    reduceLive(s, 2, ev(window(0)));
    reduceLive(s, 3, ev(window(1)));
    reduceLive(s, 2, ev(window(0)));
    reduceLive(s, 3, ev(window(1)));
    reduceLive(s, 4, ev(window(2)));
    expect(s.windows.map((w: { index: number }) => w.index)).toEqual([0, 1, 2]);
    expect(s.lastId).toBe(4);
    expect(s.atMs).toBe(4000);
  });
});

describe('the live view model', () => {
  it('a sweep: points join the capacity curve as they finish, on the report\'s own chart model', async () => {
    const { liveView } = await import('../../web/lib/liveView.js');
    const s = initialLiveState();
    reduceLive(s, 1, ev({ type: 'hello', runId: 'r', atMs: 0, kind: 'sweep', name: 'sw', sla: { percentile: 'p95', maxLatencyMs: 100 } }));
    const point = (tp: number, p95: number, meetsSla: boolean) => ({ offered: { kind: 'concurrency', value: 1 }, throughputRps: tp, p50Ms: 1, p95Ms: p95, p99Ms: 1, stable: true, meetsSla, failed: 0, dropped: 0 });
    reduceLive(s, 2, ev({ type: 'point-start', runId: 'r', atMs: 1, configuration: 'b8', offered: { kind: 'concurrency', value: 1 } }));
    expect(liveView(s).running).toBe('measuring b8 at 1 concurrent');
    reduceLive(s, 3, ev({ type: 'point-done', runId: 'r', atMs: 5000, configuration: 'b8', offered: { kind: 'concurrency', value: 1 }, point: point(40, 30, true), replayed: false }));
    reduceLive(s, 4, ev({ type: 'point-done', runId: 'r', atMs: 9000, configuration: 'b8', offered: { kind: 'concurrency', value: 4 }, point: point(90, 140, false), replayed: false }));
    const vm = liveView(s);
    expect(vm.charts.capacity!.datasets[0]).toMatchObject({ label: 'b8', data: [{ x: 40, y: 30 }, { x: 90, y: 140 }] });
    expect(vm.charts.capacity!.datasets.at(-1)!.data).toEqual([{ x: 40, y: 30 }]);
  });

  it('a sweep: skipped configurations, probes and the search\'s latest step, as the terminal says them', async () => {
    const { liveView } = await import('../../web/lib/liveView.js');
    const s = initialLiveState();
    const probe = { offered: { kind: 'concurrency', value: 1 }, throughputRps: 41.26, p50Ms: 1, p95Ms: 22.04, p99Ms: 1, stable: true, meetsSla: true, failed: 0, dropped: 0 };
    reduceLive(s, 1, ev({ type: 'configuration-skipped', runId: 'r', atMs: 0, configuration: 'maxBatchSize=4 preferredBatchSizes=8', reason: 'preferred batch size 8 is above maxBatchSize 4' }));
    reduceLive(s, 2, ev({ type: 'point-start', runId: 'r', atMs: 1, configuration: 'b8', offered: { kind: 'concurrency', value: 1 }, repeat: 0, probe: true }));
    reduceLive(s, 3, ev({ type: 'probe-done', runId: 'r', atMs: 2, configuration: 'b8', point: probe, replayed: false }));
    reduceLive(s, 4, ev({ type: 'search-step', runId: 'r', atMs: 3, configuration: 'b8', rateRps: 41.2, why: 'bracketing: no miss yet' }));
    const vm = liveView(s);
    expect(vm.notes).toEqual([
      'skipped maxBatchSize=4 preferredBatchSizes=8: preferred batch size 8 is above maxBatchSize 4',
      'b8: one-client probe 41.3 req/s, p95 22.0 ms; the rps search starts there',
    ]);
    expect(vm.running).toBeNull();
    expect(vm.step).toBe('b8: next 41.2 req/s (bracketing: no miss yet)');
    // A probe is no point of the curve.
    expect(s.points).toEqual([]);
  });

  it('progress and ETA come from the run clock', async () => {
    const { liveView } = await import('../../web/lib/liveView.js');
    const s = initialLiveState();
    reduceLive(s, 1, ev({ type: 'progress', runId: 'r', atMs: 4000, elapsedMs: 4000, totalMs: 10000, completed: 10, failed: 1, dropped: 2 }));
    const vm = liveView(s);
    expect(vm.progressText).toBe('40.0% · about 6 s left (run clock 4.0 s)');
    expect(vm.counters.slice(0, 3)).toEqual([['completed', '10'], ['failed', '1'], ['dropped', '2']]);
  });
});
