import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { createApp } from '../lib/app.js';
import { readSynthInputs } from '../lib/context.js';
import { buildStacks, type CapacityPlanStacks } from '../lib/stacks.js';

/** What JSON.parse returns: JSON read in tests is checked with expect(), as elsewhere in test/. */
export type Json = ReturnType<typeof JSON.parse>;

/** Fixtures: the example fleet (profiles/examples) and a plan of the two imported g4dn documents at its SLA. */
export const FIXTURE_PLAN = 'infra/test/fixtures/defect-classifier-plan.json';
export const FIXTURE_FLEET = 'profiles/examples/defect-classifier-fleet.yaml';

export function readFixtureJson(path: string): Json {
  return JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));
}

export function readFixtureYaml(path: string): Json {
  return parseYaml(readFileSync(join(REPO_ROOT, path), 'utf8'));
}

export interface Synth {
  app: App;
  stacks: CapacityPlanStacks;
}

/**
 * The whole app as bin/ builds it, with cdk.json's flags and the AwsSolutions plugin registered
 * (so Template.fromStack throws on Json unacknowledged finding). Bundling is skipped: one test
 * bundles for real. Build once per test file: the first synth in a worker costs seconds.
 */
export function synthApp(context: Record<string, unknown> = {}, options: { bundle?: boolean; nag?: boolean; outdir?: string } = {}): Synth {
  const app = createApp({
    context: { ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
    nag: options.nag ?? true,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stacks = buildStacks(app, readSynthInputs(app, REPO_ROOT), undefined, options.bundle ? { metafile: true } : {});
  return { app, stacks };
}

const templates = new WeakMap<Stack, Template>();
export function template(stack: Stack): Template {
  let t = templates.get(stack);
  if (!t) {
    t = Template.fromStack(stack);
    templates.set(stack, t);
  }
  return t;
}

export function nagViolations(app: App): { ruleName: string; paths: string[] }[] {
  return new AwsSolutionsChecks().validateScope(app).violations.map((v) => ({ ruleName: v.ruleName, paths: v.violatingResources.map((r) => r.constructPath ?? '') }));
}

/** Every acknowledgment in the tree: id -> reason, with the construct path. */
export function acknowledgments(app: App): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const c of app.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === 'aws:cdk:acknowledged-rules' && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

export interface Grant {
  policy: string;
  actions: string[];
  resources: unknown[];
  conditions?: unknown;
}

/** Every Allow statement of every IAM policy (policies, managed policies, roles' inline policies) in a template, by the policy's logical id. */
export function grants(t: Template): Grant[] {
  const out: Grant[] = [];
  const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, resource] of Object.entries(t.findResources(type))) {
      for (const statement of (resource as Json).Properties.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow') continue;
        out.push({ policy: id, actions: list(statement.Action), resources: list(statement.Resource), ...(statement.Condition ? { conditions: statement.Condition } : {}) });
      }
    }
  }
  // Inline policies on roles (custom-resource providers write theirs this way).
  for (const [id, resource] of Object.entries(t.findResources('AWS::IAM::Role'))) {
    for (const policy of (resource as Json).Properties.Policies ?? []) {
      for (const statement of policy.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow') continue;
        out.push({ policy: `${id}/${policy.PolicyName}`, actions: list(statement.Action), resources: list(statement.Resource), ...(statement.Condition ? { conditions: statement.Condition } : {}) });
      }
    }
  }
  return out;
}
