/**
 * The agent's public surface, for the CLI, the profiler's HTTP transport and tests: start one in
 * process, read its /v1/info, and parse the Server-Timing it sends.
 */
export { startAgent, type RunningAgent } from './agent.js';
export { AgentInfo, type AgentInfoJson } from '../../schema/wire/agentInfo.js';
export { AgentSettings, type AgentOptions } from './options.js';
export { formatServerTiming, parseServerTiming, SERVER_TIMING_TOTAL } from './serverTiming.js';
export { AgentHttpError, type ErrorBody, type ErrorCode } from './httpError.js';
export { FAILURE_STATUS } from './failureStatus.js';
