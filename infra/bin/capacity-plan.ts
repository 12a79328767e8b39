#!/usr/bin/env node
import { createApp } from '../lib/app.js';
import { readSynthInputs } from '../lib/context.js';
import { buildStacks } from '../lib/stacks.js';
import { CapacityPlanError } from '../../src/util/errors.js';

/**
 * The CDK app: `npm run infra:synth -- -c plan=<plan.json> -c fleet=<fleet.yaml> -c instanceTypes=a,b`.
 * Account and region come from the CLI's environment when deploying; synth needs neither.
 */
try {
  const app = createApp();
  const inputs = readSynthInputs(app);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  buildStacks(app, inputs, account && region ? { account, region } : undefined);
  app.synth();
} catch (error) {
  if (error instanceof CapacityPlanError) {
    process.stderr.write(`error: ${error.oneLine()}\n`);
    process.exit(error.exitCode);
  }
  throw error;
}
