#!/usr/bin/env node
import { ExitCode } from '../util/errors.js';
import { COMMANDS } from './commands.js';
import { runCli } from './program.js';
import { processRuntime } from './runtime.js';

async function main(): Promise<void> {
  // The AWS SDK warns on Node 20 that SDK releases after January 2027 will need Node 22; our
  // lockfile pins a release that supports Node 20, and the eight-line warning on stderr would
  // bury our one-line messages. Still shown when the user sets the variable to anything else.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    // First signal: stop gracefully (finish the window, write nothing half-done). Second: exit now.
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await runCli(process.argv.slice(2), processRuntime(controller.signal), COMMANDS);
  process.exitCode = code;
}

void main();
