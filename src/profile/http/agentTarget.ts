import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProfileSpec } from '../../schema/profileSpec.js';
import type { HttpProtocol } from '../../schema/transport.js';
import {
  CapacityPlanError,
  EnvironmentError,
  ExitCode,
  InputError,
  InterruptedError,
  MeasurementError,
  RemoteError,
  UsageError,
} from '../../util/errors.js';
import type { Clock } from '../../util/clock.js';
import type { ProfileTarget } from '../target.js';
import { createHttpClient } from './client.js';
import type { HttpClient } from './types.js';
import { connectionsFor, createHttpTarget } from './httpTarget.js';
import { describeNetworkError } from './networkError.js';
import { wireProtocol } from './protocols.js';
import { readProcessMetrics, utilizationOf, type ProcessReading } from './agentProcessMetrics.js';
import { countsFromRecord, readAgentInfo, signatureFromAgentInfo } from './serverInfo.js';
import { agentLogLine, agentLogMessage, listeningUrl } from '../../schema/wire/agentProcess.js';

/**
 * `profile --transport http`: the profiler starts `capacity-plan agent` as a child process on
 * 127.0.0.1 (a free port), serving exactly the resolved spec (passed as a file, so presets, flags
 * and environment reach it unchanged), and drives it over loopback. The agent is a separate process
 * on purpose: its event loop, sockets and workers are not the load generator's, as in production.
 *
 * Start: read `listening on URL` from its stdout, wait for /v2/health/ready, read /v1/info
 * (signature, model load time, warnings). During the run: batch sizes from /v1/info at each window
 * boundary. Drain: SIGTERM, so the agent stops batching by policy and answers what is in flight.
 * Close: await its exit (SIGKILL after a bound). Its stderr is kept: the last line explains a
 * failed start, or requests refused after it died.
 */

export interface AgentTargetOptions {
  spec: ProfileSpec;
  /** $CAPACITY_PLAN_HOME for the agent (the model cache). */
  home: string;
  /** The agent's environment (CAPACITY_PLAN_HOME is set from `home`). */
  env: NodeJS.ProcessEnv;
  /**
   * The agent's working directory (default: this process's), from which relative paths in the spec
   * (a model file, a request log) resolve, as they do for the in-process pipeline.
   */
  cwd?: string;
  protocol: Extract<HttpProtocol, 'raw' | 'kserve-v2'>;
  clock?: Clock;
  /** Notes for the document (e.g. a preprocessing setting the protocol changed). */
  warnings?: string[];
  onPhase?: (phase: 'model' | 'engine', message: string) => void;
  signal?: AbortSignal;
}

/** Generous: profiling overload must show as latency, not as the agent's 504s or 413s. */
const AGENT_REQUEST_TIMEOUT_MS = 300_000;
const AGENT_MAX_BODY_BYTES = 1024 * 1024 * 1024;
const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 60_000;
const STDERR_LINES = 20;

export async function openAgentTarget(options: AgentTargetOptions): Promise<ProfileTarget> {
  const { spec } = options;
  const scratch = await mkdtemp(join(tmpdir(), 'capacity-plan-agent-'));
  const specFile = join(scratch, 'spec.json');
  await writeFile(specFile, JSON.stringify(spec));
  options.onPhase?.('engine', 'starting the agent on 127.0.0.1');
  const agent = spawnAgent(options, specFile);
  let control: HttpClient | undefined;
  const stop = async (): Promise<void> => {
    await control?.close();
    await agent.stop();
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    const url = await agent.listening(options.signal);
    control = createHttpClient(url, { connections: 1, timeoutMs: 10_000 });
    await waitReady(control, agent, url);
    const info = await readAgentInfo(control);
    if (!info) throw agent.failure(`the agent at ${url} did not answer GET /v1/info`);
    const signature = signatureFromAgentInfo(info);
    let output = info.output ?? {};
    // The agent's CPU and RSS, read with the batch sizes at each window boundary.
    const processReadings: ProcessReading[] = [];
    const connections = connectionsFor(spec.load);
    const protocol = wireProtocol(options.protocol, {
      modelName: info.model.name,
      inputName: signature.inputName,
      itemShape: signature.itemShape,
      layout: signature.layout,
    });
    const controlClient = control;
    return createHttpTarget({
      baseUrl: url,
      protocol,
      connections,
      timeoutMs: AGENT_REQUEST_TIMEOUT_MS,
      clock: options.clock,
      itemShape: signature.itemShape,
      signature,
      modelPath: info.model.path,
      modelLoadMs: info.modelLoadMs,
      warnings: [...info.warnings, ...(options.warnings ?? [])],
      transport: {
        kind: 'http',
        server: 'agent',
        url,
        protocol: options.protocol,
        modelName: options.protocol === 'kserve-v2' ? info.model.name : undefined,
        connections,
      },
      // Read at each window with the batch sizes: the agent is gone by the time the document is written.
      batchSizeCounts: async () => {
        const reading = await readProcessMetrics(controlClient).catch(() => undefined);
        if (reading) processReadings.push(reading);
        const latest = await readAgentInfo(controlClient);
        if (!latest) throw new Error('the agent did not answer /v1/info');
        output = latest.output ?? output;
        return countsFromRecord(latest.batchSizeCounts);
      },
      outputKind: () => output,
      processUtilization: () => utilizationOf(processReadings),
      networkFailureReason: (reason) => agent.deathReason() ?? reason,
      onDrain: () => agent.terminate(),
      // The agent bounds its own graceful shutdown (35 s) and then cuts what is left; this is a backstop.
      drainGraceMs: EXIT_TIMEOUT_MS,
      onClose: stop,
    });
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

interface AgentProcess {
  /** The agent's URL once it prints its listening line; rejects with its error if it exits first. */
  listening(signal?: AbortSignal): Promise<string>;
  /** An error for a failed start, carrying the agent's last stderr line. */
  failure(message: string): CapacityPlanError;
  /** Once the agent has exited on its own: why, in one line; else undefined. */
  deathReason(): string | undefined;
  terminate(): void;
  stop(): Promise<void>;
}

function spawnAgent(options: AgentTargetOptions, specFile: string): AgentProcess {
  const args = [
    ...cliEntry(),
    'agent',
    '--spec-json',
    specFile,
    '--exit-with-stdin',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout-ms',
    String(AGENT_REQUEST_TIMEOUT_MS),
    '--max-body-bytes',
    String(AGENT_MAX_BODY_BYTES),
  ];
  // stdin is a pipe the agent watches (--exit-with-stdin): if the profiler dies, the agent goes too.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env, CAPACITY_PLAN_HOME: options.home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrLines: string[] = [];
  let terminated = false;
  // Its progress lines (model, engine) are shown until it listens; later lines are kept for errors only.
  let listening = false;
  let spawnError: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exit = e));
  child.stdin?.on('error', () => {});
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > STDERR_LINES) stderrLines.shift();
    const message = agentLogMessage(line);
    if (message && !listening && !/^warning/.test(message)) {
      options.onPhase?.(/model/.test(message) ? 'model' : 'engine', agentLogLine(message));
    }
  });
  const stdout = createInterface({ input: child.stdout! });
  const url = new Promise<string>((resolve) => {
    stdout.on('line', (line) => {
      const url = listeningUrl(line);
      if (url !== undefined) {
        listening = true;
        resolve(url);
      }
    });
  });

  const lastLine = (): string | undefined => {
    for (let i = stderrLines.length - 1; i >= 0; i--) {
      const line = stderrLines[i]!.trim();
      if (line !== '') return line;
    }
    return undefined;
  };
  const describeExit = (e: { code: number | null; signal: NodeJS.Signals | null }): string =>
    spawnError ? `could not be started (${spawnError.message})` : e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;

  const process_: AgentProcess = {
    async listening(signal) {
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new InterruptedError('profile interrupted: no document written'));
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([
          url,
          aborted,
          exited.then((e) => {
            throw startFailure(e);
          }),
        ]);
      } finally {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    failure(message) {
      const line = lastLine();
      return new EnvironmentError(line ? `${message}: ${line}` : message);
    },
    deathReason() {
      if (!exit || terminated) return undefined;
      const line = lastLine();
      return `the agent ${describeExit(exit)}${line ? `: ${line}` : ''}`;
    },
    terminate() {
      if (terminated) return;
      terminated = true;
      if (!exit) child.kill('SIGTERM');
    },
    async stop() {
      process_.terminate();
      if (exit) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  /** The agent exited before listening: its own one-line error, with its exit code's meaning kept. */
  function startFailure(e: { code: number | null; signal: NodeJS.Signals | null }): CapacityPlanError {
    const line = lastLine();
    const agentError = line?.startsWith('error: ') ? line.slice('error: '.length) : undefined;
    if (agentError) {
      const message = `the agent did not start: ${agentError}`;
      switch (e.code) {
        case ExitCode.usage:
          return new UsageError(message);
        case ExitCode.input:
          return new InputError(message);
        case ExitCode.measurement:
          return new MeasurementError(message);
        case ExitCode.remote:
          return new RemoteError(message);
        default:
          return new EnvironmentError(message);
      }
    }
    return new EnvironmentError(`the agent ${describeExit(e)} before listening${line ? `: ${line}` : ''}`);
  }

  return process_;
}

/** Polls /v2/health/ready until 200 (the agent is ready once it listens; this confirms it answers). */
async function waitReady(client: HttpClient, agent: AgentProcess, url: string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let last = '';
  while (performance.now() < deadline) {
    const death = agent.deathReason();
    if (death) throw new EnvironmentError(death);
    try {
      const response = await client.get('/v2/health/ready');
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = describeNetworkError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw agent.failure(`the agent at ${url} was not ready within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

/**
 * How to run this CLI in a child process: the compiled entry (dist/cli/main.js) directly, or, when
 * this module runs from source (vitest, tsx), src/cli/main.ts through tsx's loader.
 */
function cliEntry(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`../../cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return [main];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, main];
}
