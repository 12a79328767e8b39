import { basename } from 'node:path';
import type { RunEventBus } from '../profile/events.js';
import { DocumentStore, sha256Hex, type ReportDocument } from '../server/report/documentStore.js';
import { LiveRunHub, type LiveRunKind } from '../server/report/liveRuns.js';
import { startReportServer, type ReportServer } from '../server/report/server.js';
import { port } from './flags.js';
import type { FlagTable, FlagValues } from './flagTable.js';
import type { Runtime } from './runtime.js';

/**
 * `--serve` for profile, sweep and demo: a report server on 127.0.0.1 whose live page follows the
 * run over SSE and turns into its report at the end. The command exits when the run ends (open
 * tabs keep what they were sent; the stream tells them not to reconnect) unless --keep-serving.
 */
export const LIVE_FLAGS = {
  serve: { flag: '--serve', help: 'follow the run in a browser: prints a local URL whose page becomes the report when the run ends' },
  servePort: { flag: '--serve-port <n>', parse: port, help: 'port for --serve (0 picks a free one)', default: 8765 },
  keepServing: { flag: '--keep-serving', help: 'with --serve: keep serving the report after the run until Ctrl-C' },
} satisfies FlagTable;

export type LiveFlags = FlagValues<typeof LIVE_FLAGS>;

/** What a command tells the live view: its bus when the run starts, each document it writes. */
export interface LiveHooks {
  start(bus: RunEventBus, info: { name: string; sla?: { percentile: string; maxLatencyMs: number } | null }): void;
  documentWritten(document: ReportDocument, path: string): void;
}

export interface LiveSession extends LiveHooks {
  /** Ends the run (its report event) and, unless --keep-serving, the server. */
  end(): Promise<void>;
}

export async function startLiveSession(rt: Runtime, flags: LiveFlags, kind: LiveRunKind, options: { sla?: { percentile: string; maxLatencyMs: number } | null } = {}): Promise<LiveSession> {
  const store = new DocumentStore();
  const hub = new LiveRunHub({ store });
  const server: ReportServer = await startReportServer({ store, host: '127.0.0.1', port: flags.servePort, hub, sla: options.sla ?? null });
  let runId: string | null = null;
  const documents: { name: string; path: string; sha256: string; document: ReportDocument }[] = [];
  return {
    start(bus, info) {
      if (runId === null) {
        runId = bus.runId;
        hub.start({ runId, kind, name: info.name, sla: info.sla ?? null }, bus);
        rt.stderr.write(`live: ${server.url}live/${runId}\n`);
      } else {
        // demo: the second profile joins the same page.
        hub.get(runId)?.follow(bus);
      }
    },
    documentWritten(document, path) {
      // The bytes writeJsonAtomic wrote, so the sha256 matches the file.
      documents.push({ name: basename(path), path, sha256: sha256Hex(`${JSON.stringify(document, null, 2)}\n`), document });
    },
    async end() {
      if (runId !== null) hub.finish(runId, documents);
      if (flags.keepServing) {
        rt.stderr.write(`serving the report at ${server.url} until Ctrl-C\n`);
        await new Promise<void>((resolve) => (rt.signal.aborted ? resolve() : rt.signal.addEventListener('abort', () => resolve(), { once: true })));
      }
      await server.close();
    },
  };
}
