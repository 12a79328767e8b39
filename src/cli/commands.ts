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
import type { Register } from './program.js';
import { registerRightsizeCommand } from './rightsize.js';
import { registerSweepCommand } from './sweep.js';
import { registerVerifyCommand } from './verify.js';
import { registerWhatifCommand } from './whatif.js';

/**
 * Every command of `capacity-plan`, in --help order. Its own module (main.ts runs the CLI when
 * imported), so tests can walk every command's --help.
 */
export const COMMANDS: Register[] = [
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
