import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { realClock } from '../util/clock.js';
import { runLoad } from '../profile/core/loadExecutor.js';
import { createHttpClient } from '../profile/http/client.js';
import { median } from '../util/median.js';

/**
 * loadgenVsAutocannon: requests per second of the profiler's own HTTP load generator (the
 * closed-loop executor driving src/profile/http/client.ts) over autocannon's, against the same
 * trivial endpoint with the same connections and duration, no pipelining. Target: >= 1.0, i.e. the
 * load generator is never what limits a measured server.
 *
 * The server runs in a child process so that it shares an event loop with neither generator.
 * Both generators first warm up (JIT, sockets, the server's own warm-up) for WARM_S each, then run
 * ROUNDS times, alternating which goes first (ours, autocannon; autocannon, ours; ...); each side's
 * median run counts: on a shared 2-core machine a single run can lose a second to a neighbour, and
 * a median is not skewed by one lucky run the way a best-of is.
 */
const CONNECTIONS = 10;
const DURATION_S = 3;
const WARM_S = 1;
const ROUNDS = 3;
const REQUEST_BODY = Buffer.from(JSON.stringify({ image: 'x'.repeat(48) }));
const CONTENT_TYPE = 'application/json';

/** A 200 with a tiny body for every request, keep-alive, nothing else. */
const SERVER_SCRIPT = `
const http = require('node:http');
const body = Buffer.from('{"ok":true}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'server-timing': 'total;dur=0.010' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

export async function benchLoadgenVsAutocannon(): Promise<{ loadgenRps: number; autocannonRps: number; loadgenVsAutocannon: number }> {
  const server = await startTrivialServer();
  try {
    await loadgenRps(server.url, WARM_S);
    await autocannonRps(server.url, WARM_S);
    const loadgen: number[] = [];
    const autocannon: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        loadgen.push(await loadgenRps(server.url, DURATION_S));
        autocannon.push(await autocannonRps(server.url, DURATION_S));
      } else {
        autocannon.push(await autocannonRps(server.url, DURATION_S));
        loadgen.push(await loadgenRps(server.url, DURATION_S));
      }
    }
    const loadgenMedian = median(loadgen);
    const autocannonMedian = median(autocannon);
    return {
      loadgenRps: Math.round(loadgenMedian),
      autocannonRps: Math.round(autocannonMedian),
      loadgenVsAutocannon: Math.round((loadgenMedian / autocannonMedian) * 100) / 100,
    };
  } finally {
    await server.stop();
  }
}


async function loadgenRps(url: string, durationS: number): Promise<number> {
  const client = createHttpClient(url, { connections: CONNECTIONS });
  let ok = 0;
  try {
    const startMs = realClock.nowMs();
    await runLoad({
      load: { kind: 'closed-loop', concurrency: CONNECTIONS },
      durationMs: durationS * 1000,
      clock: realClock,
      send: async () => {
        const response = await client.post('/', CONTENT_TYPE, REQUEST_BODY);
        if (response.status >= 200 && response.status < 300) ok++;
      },
    });
    return (ok * 1000) / (realClock.nowMs() - startMs);
  } finally {
    await client.close();
  }
}

/** autocannon has no bundled types: the little of its result that is read here. */
type Autocannon = (options: Record<string, unknown>) => Promise<{ '2xx': number; duration: number; errors: number }>;

async function autocannonRps(url: string, durationS: number): Promise<number> {
  // A dev dependency, loaded only when the bench runs.
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    pipelining: 1,
    method: 'POST',
    headers: { 'content-type': CONTENT_TYPE },
    body: REQUEST_BODY,
  });
  return result['2xx'] / result.duration;
}

async function startTrivialServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(() => {
    throw new Error('the bench server exited before listening');
  });
  const listening = (async () => {
    for await (const line of lines) {
      const match = /^listening on (\S+)/.exec(line);
      if (match) return match[1]!;
    }
    throw new Error('the bench server closed its output before listening');
  })();
  const url = await Promise.race([listening, exited]);
  exited.catch(() => {});
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}
