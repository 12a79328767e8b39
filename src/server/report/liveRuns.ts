import type { Express, Request, Response } from 'express';
import type { DocumentStore, ReportDocument } from './documentStore.js';
import { ID_PATTERN } from './documentStore.js';
import { ReportHttpError } from './httpError.js';

/**
 * Live runs for the browser: each run's events, numbered in order and kept whole, streamed as
 * server-sent events on /api/runs/:id/events. A new page gets everything from the start, a
 * reconnecting one everything after its Last-Event-ID, so a reload or a late join shows the whole
 * run with no duplicates (the page drops ids it has seen). Times are the run's (atMs), never the
 * server's or the browser's. The stream is plain text/event-stream: no compression (it would
 * buffer), a comment every keepAliveMs so proxies keep it open.
 *
 * The source is anything with subscribe(listener) -> unsubscribe whose events carry type, runId
 * and atMs: the run event bus (src/profile/events.ts) fits as is.
 */
export interface LiveEvent {
  type: string;
  runId: string;
  atMs: number;
  [key: string]: unknown;
}

export interface LiveEventSource {
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

export interface NumberedEvent {
  id: number;
  event: LiveEvent;
}

export type LiveRunKind = 'profile' | 'sweep' | 'demo';

export interface LiveRunInfo {
  runId: string;
  kind: LiveRunKind;
  name: string;
  /** The SLA the page draws, when the run has one (a sweep's). */
  sla?: { percentile: string; maxLatencyMs: number } | null;
}

/** Events after which a run says no more: the stream ends and browsers are told not to reconnect. */
const TERMINAL = new Set(['report']);
/** EventSource's reconnection delay after the end: as good as never (k6's dashboard does the same). */
const NEVER_RETRY_MS = Number.MAX_SAFE_INTEGER;

export class LiveRun {
  readonly log: NumberedEvent[] = [];
  private readonly listeners = new Set<(e: NumberedEvent) => void>();
  private readonly unsubscribes: (() => void)[] = [];
  private lastAtMs = 0;

  constructor(readonly info: LiveRunInfo) {
    this.record({ type: 'hello', runId: info.runId, atMs: 0, kind: info.kind, name: info.name, sla: info.sla ?? null });
  }

  get ended(): boolean {
    const last = this.log[this.log.length - 1];
    return last !== undefined && TERMINAL.has(last.event.type);
  }

  /** Follows a source; its events join this run's log in the order published. */
  follow(source: LiveEventSource): void {
    this.unsubscribes.push(source.subscribe((event) => this.record(event)));
  }

  /** Ends the run: `report` carries the documents it wrote (none when it failed). */
  finish(documents: { id: string; document: ReportDocument }[]): void {
    for (const u of this.unsubscribes.splice(0)) u();
    if (!this.ended) this.record({ type: 'report', runId: this.info.runId, atMs: this.lastAtMs, documents });
  }

  subscribe(listener: (e: NumberedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: LiveEvent): void {
    if (this.ended) return;
    this.lastAtMs = Math.max(this.lastAtMs, event.atMs);
    const numbered = { id: this.log.length + 1, event };
    this.log.push(numbered);
    // A listener is a socket write: its failure must not stop the run (the bus would rethrow it).
    for (const listener of [...this.listeners]) {
      try {
        listener(numbered);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}

export interface LiveRunHubOptions {
  keepAliveMs?: number;
  /** Where finished runs' documents go, so /profile/<id> shows them after the run. */
  store?: DocumentStore;
}

export class LiveRunHub {
  private readonly runs = new Map<string, LiveRun>();
  private readonly open = new Set<Response>();
  readonly keepAliveMs: number;

  constructor(private readonly options: LiveRunHubOptions = {}) {
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  start(info: LiveRunInfo, source?: LiveEventSource): LiveRun {
    if (!ID_PATTERN.test(info.runId)) throw new Error(`run id '${info.runId}' is not URL-safe`);
    const run = new LiveRun(info);
    if (source) run.follow(source);
    this.runs.set(info.runId, run);
    return run;
  }

  /** Ends a run; its documents join the store (when there is one) under ids the report names. */
  finish(runId: string, documents: { name: string; path: string; sha256: string; document: ReportDocument }[]): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const added = documents.map((d) => {
      const entry = this.options.store?.add(d.name, d.path, d.sha256, d.document);
      return { id: entry?.id ?? d.name, document: d.document };
    });
    run.finish(added);
  }

  get(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /** Ends every open stream (their pages have what was sent); the server then closes cleanly. */
  endStreams(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }

  mount(app: Express): void {
    app.get('/api/runs', (_req, res) => {
      res.json({ runs: [...this.runs.values()].map((r) => ({ ...r.info, events: r.log.length, ended: r.ended })) });
    });
    app.get('/api/runs/:id/events.json', (req, res) => {
      const run = this.lookup(req);
      const after = afterId(req.query.after);
      res.json({ events: run.log.filter((n) => n.id > after) });
    });
    app.get('/api/runs/:id/events', (req, res) => this.stream(req, res));
  }

  private lookup(req: Request): LiveRun {
    const id = String(req.params.id);
    if (!ID_PATTERN.test(id)) throw new ReportHttpError(400, 'bad_id', `'${id}' is not a run id`);
    const run = this.runs.get(id);
    if (!run) throw new ReportHttpError(404, 'not_found', `no live run with id '${id}'; GET /api/runs lists them`);
    return run;
  }

  private stream(req: Request, res: Response): void {
    const run = this.lookup(req);
    const after = afterId(req.get('Last-Event-ID') ?? req.query.after);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (n: NumberedEvent): void => {
      const terminal = TERMINAL.has(n.event.type);
      res.write(`${terminal ? `retry: ${NEVER_RETRY_MS}\n` : ''}id: ${n.id}\nevent: ${n.event.type}\ndata: ${JSON.stringify(n.event)}\n\n`);
      if (terminal) close();
    };
    let unsubscribe = (): void => {};
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.keepAliveMs);
    keepAlive.unref();
    const close = (): void => {
      clearInterval(keepAlive);
      unsubscribe();
      this.open.delete(res);
      res.end();
    };
    this.open.add(res);
    req.on('close', close);
    res.write(': capacity-plan live run\n\n');
    // Replay, then follow: both happen in this tick, and events are recorded synchronously, so
    // nothing can fall between them.
    for (const n of run.log) if (n.id > after && !res.writableEnded) send(n);
    if (!res.writableEnded) unsubscribe = run.subscribe(send);
  }
}

function afterId(value: unknown): number {
  const n = Number(typeof value === 'string' ? value : 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
