/**
 * How a profiler talks to an agent it starts as a child process (`profile --transport http`): the
 * one line the agent writes on stdout once it listens, and the prefix of its progress lines on
 * stderr. The agent command writes them and the agent target reads them, both through here, so
 * neither side can change the protocol alone.
 */

/** Triton's HTTP port: what a KServe v2 client tries first. */
export const DEFAULT_AGENT_PORT = 8000;

/** The agent's only stdout line, for the profiler that started it and for scripts. */
export function listeningLine(url: string): string {
  return `listening on ${url}`;
}

const LISTENING = /^listening on (https?:\/\/\S+)\s*$/;

/** The URL of a listening line; undefined for any other line. */
export function listeningUrl(line: string): string | undefined {
  return LISTENING.exec(line)?.[1];
}

/** A progress or log line on the agent's stderr. */
export function agentLogLine(message: string): string {
  return `agent: ${message}`;
}

/** The message of an agent log line; undefined for any other stderr line (a crash's stack, say). */
export function agentLogMessage(line: string): string | undefined {
  return /^agent: (.*)$/.exec(line)?.[1];
}
