import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_INPUT_PIXELS } from '../serving/images/preprocessImage.js';
import { ProfileSpec } from '../schema/profileSpec.js';
import { agentLogLine, DEFAULT_AGENT_PORT, listeningLine } from '../schema/wire/agentProcess.js';
import { startAgent } from '../server/agent/agent.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS } from '../server/agent/options.js';
import { InputError, UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { port, positiveInt, text } from './flags.js';
import type { Register } from './program.js';
import { addSpecFlags, resolveSpec, type SpecFlags } from './profileSpecFlags.js';
import type { Runtime } from './runtime.js';

const AGENT_FLAGS = {
  host: { flag: '--host <host>', parse: text, help: 'address to bind', default: '127.0.0.1' },
  port: { flag: '--port <n>', parse: port, help: 'port to listen on (0 picks a free one)', default: DEFAULT_AGENT_PORT },
  maxBodyBytes: { flag: '--max-body-bytes <n>', parse: positiveInt, help: 'largest request body accepted (413 above)', default: DEFAULT_MAX_BODY_BYTES },
  maxPixels: {
    flag: '--max-pixels <n>',
    parse: maxPixels,
    help: `largest image (width x height) accepted, read from its header (413 above; at most ${MAX_INPUT_PIXELS})`,
    default: MAX_INPUT_PIXELS,
  },
  timeoutMs: { flag: '--timeout-ms <n>', parse: positiveInt, help: 'per-request timeout: the client gets 504 after this long', default: DEFAULT_TIMEOUT_MS },
  token: {
    flag: '--token <token>',
    parse: text,
    help: "bearer token inference and /v1/info require ('Authorization: Bearer <token>')",
    defaultHelp: '$CAPACITY_PLAN_TOKEN; none on loopback, else generated and printed',
  },
  // For `profile --transport http`, which starts this command as a child process: the fully
  // resolved spec instead of the spec flags, and shut down when the profiler that started it goes away.
  specJson: { flag: '--spec-json <file>', parse: text, help: 'serve this resolved ProfileSpec (JSON) instead of the spec flags', hidden: true },
  exitWithStdin: { flag: '--exit-with-stdin', help: 'shut down when stdin closes', hidden: true },
} satisfies FlagTable;

const AGENT_EXITS: ExitTable = {
  ok: 'stopped by SIGTERM or Ctrl-C, after the requests in flight finished',
  usage: 'a bad flag or flag value, preset or setting, or an invalid --spec-json',
  input: 'the model is missing or invalid, or the --spec-json file cannot be read',
  environment: 'the port cannot be bound, or the execution provider (--device) cannot load',
  interrupted: 'a second SIGTERM or Ctrl-C before the shutdown finished',
};

type AgentFlags = FlagValues<typeof AGENT_FLAGS> & SpecFlags;

export const registerAgentCommand: Register = (program, rt) => {
  const command = program
    .command('agent')
    .description('serve the instrumented pipeline over HTTP (POST /v1/infer, KServe v2 /v2/models/<name>/infer, /metrics) until SIGTERM');
  addExitCodes(addSpecFlags(addFlags(command, AGENT_FLAGS), 'agent'), AGENT_EXITS).action(async (flags: AgentFlags) => {
    await agentCommand(flags, rt);
  });
};

/**
 * Serves until rt.signal aborts (SIGTERM/SIGINT), then shuts down gracefully and returns, so the
 * process exits 0. stdout gets exactly one line, `listening on http://HOST:PORT`, for scripts.
 */
export async function agentCommand(flags: AgentFlags, rt: Runtime): Promise<void> {
  const spec = flags.specJson ? await readSpecJson(resolve(rt.cwd, flags.specJson)) : await resolveSpec(flags, rt.env, rt.cwd);
  const agent = await startAgent({
    spec,
    home: rt.home,
    host: flags.host,
    port: flags.port,
    maxBodyBytes: flags.maxBodyBytes,
    maxPixels: flags.maxPixels,
    timeoutMs: flags.timeoutMs,
    token: flags.token ?? (rt.env.CAPACITY_PLAN_TOKEN || undefined),
    onLog: (line) => rt.stderr.write(`${agentLogLine(line)}\n`),
  });
  rt.stdout.write(`${listeningLine(agent.url)}\n`);
  await Promise.race([aborted(rt.signal), ...(flags.exitWithStdin ? [stdinClosed()] : [])]);
  // A stdin being read keeps the process alive after the agent has closed.
  if (flags.exitWithStdin) process.stdin.destroy();
  await agent.close();
}

async function readSpecJson(path: string): Promise<ProfileSpec> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read --spec-json ${path}: ${(error as Error).message.split('\n', 1)[0]}`);
  }
  const parsed = ProfileSpec.safeParse(raw);
  if (!parsed.success) throw new UsageError(`invalid --spec-json ${path}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Resolves when this process's stdin ends (the parent closed its end, or exited). */
function stdinClosed(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => resolve();
    process.stdin.once('end', done).once('close', done).once('error', done);
    process.stdin.resume();
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function maxPixels(flag: string) {
  return (value: string): number => {
    const n = positiveInt(flag)(value);
    if (n > MAX_INPUT_PIXELS) {
      throw new UsageError(`${flag} must be at most ${MAX_INPUT_PIXELS}, got '${value}'`, "the pipeline's preprocess stage refuses larger images anyway");
    }
    return n;
  };
}
