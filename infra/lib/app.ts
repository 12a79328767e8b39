import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** infra/cdk.json: the app command and the feature flags pinned when the app was created. */
const CDK_JSON = new URL('../cdk.json', import.meta.url);

/** cdk.json's context. Tests and bin/ both start from it: without the flags, synthesis differs (launch-template names clash). */
export function cdkJsonContext(): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: Record<string, unknown> };
  return parsed.context ?? {};
}

export interface CreateAppOptions {
  /** Added on top of cdk.json's context (plan, fleet, instanceTypes, 'aws:cdk:bundling-stacks'). */
  context?: Record<string, unknown>;
  outdir?: string;
  /** Register the AwsSolutions policy-validation plugin (default true): synthesis then fails on any unacknowledged finding. */
  nag?: boolean;
}

export function createApp(options: CreateAppOptions = {}): App {
  const app = new App({
    context: { ...cdkJsonContext(), ...(options.context ?? {}) },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
