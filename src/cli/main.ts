#!/usr/bin/env node
import { ExitCode } from '../util/errors.js';
import { registerAgentCommand } from './agent.js';
import { registerBatchCommand } from './batch.js';
import { registerModelCommand } from './model.js';
import { registerDemoCommand } from './demo.js';
import { registerDoctorCommand } from './doctor.js';
import { registerExamplesCommand } from './examples.js';
import { registerProfileCommand } from './profile.js';
import { registerPlanCommand } from './plan.js';
import { registerPricesCommand } from './prices.js';
import { registerReportCommand } from './report.js';
import { registerServeCommand } from './serve.js';
import { runCli, type Register } from './program.js';
import { registerRightsizeCommand } from './rightsize.js';
import { processRuntime } from './runtime.js';
import { registerSweepCommand } from './sweep.js';
import { registerVerifyCommand } from './verify.js';
import { registerWhatifCommand } from './whatif.js';

const commands: Register[] = [
  registerPlanCommand,
  registerPricesCommand,
  registerProfileCommand,
  registerDemoCommand,
  registerModelCommand,
  registerSweepCommand,
  registerAgentCommand,
  registerVerifyCommand,
  registerServeCommand,
  registerReportCommand,
  registerRightsizeCommand,
  registerBatchCommand,
  registerExamplesCommand,
  registerDoctorCommand,
  registerWhatifCommand,
];

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
  const code = await runCli(process.argv.slice(2), processRuntime(controller.signal), commands);
  process.exitCode = code;
}

void main();
