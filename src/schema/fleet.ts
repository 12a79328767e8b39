import { z } from 'zod';
import { AWS_REGION_CODE } from './region.js';
import { parseSla, type Sla } from './sla.js';
import { FleetPurchase } from './fleetPurchase.js';

/**
 * Fleet: a live fleet the watcher compares with its profiled capacity (a YAML file the user
 * writes). `capacity` is a profile, sweep or plan document, relative to the fleet file.
 */

/** Alarm names embed the fleet name (`capacity-plan/<fleet>/<kind>`), so keep it to safe characters. */
const FleetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'use letters, digits, dot, dash or underscore (at most 100), e.g. defect-classifier' });

const SlaText = z.string().transform((text, ctx): Sla => {
  try {
    return parseSla(text, 'sla');
  } catch {
    ctx.addIssue({ code: 'custom', message: `'${text}' does not parse: write <percentile><=<number><ms|s>, e.g. 'p95<=100ms'` });
    return z.NEVER;
  }
});

export const AsgAlbSource = z
  .object({
    kind: z.literal('asg-alb'),
    autoScalingGroupName: z.string().min(1),
    /** The ALB's CloudWatch dimension: app/<name>/<id>. */
    loadBalancer: z.string().regex(/^app\/[^/]+\/[^/]+$/, { message: "expected 'app/<name>/<id>', the ALB's CloudWatch dimension" }),
    /** The target group's CloudWatch dimension: targetgroup/<name>/<id>. */
    targetGroup: z.string().regex(/^targetgroup\/[^/]+\/[^/]+$/, { message: "expected 'targetgroup/<name>/<id>', the target group's CloudWatch dimension" }),
  })
  .strict();
export type AsgAlbSource = z.infer<typeof AsgAlbSource>;

export const SageMakerSource = z
  .object({
    kind: z.literal('sagemaker'),
    endpointName: z.string().min(1),
    variantName: z.string().min(1).default('AllTraffic'),
  })
  .strict();
export type SageMakerSource = z.infer<typeof SageMakerSource>;

export const FleetSource = z.discriminatedUnion('kind', [AsgAlbSource, SageMakerSource]);
export type FleetSource = z.infer<typeof FleetSource>;

export const Fleet = z
  .object({
    name: FleetName,
    region: z.string().regex(AWS_REGION_CODE, { message: 'expected an AWS region such as us-east-1' }),
    instanceType: z.string().min(1),
    sla: SlaText,
    /** A profile-result, sweep-result or plan document, relative to the fleet file. */
    capacity: z.string().min(1),
    /** Which sweep configuration (label) or plan candidate (id) to take; default: the best at the SLA. */
    configuration: z.string().min(1).optional(),
    /** Share of profiled capacity each instance is planned to carry (Compute Optimizer's 20% headroom). */
    utilization: z.number().gt(0).max(1).default(0.8),
    /** The HA floor: never recommend fewer instances. */
    minInstances: z.number().int().min(0).default(2),
    /** GPUs per instance, to turn SageMaker's 0-100 x GPUs into per-GPU percent; default: the price catalog's count. */
    gpusPerInstance: z.number().int().positive().optional(),
    source: FleetSource,
    /** How the fleet is paid for; rightsize then states savings after discounts. */
    purchase: FleetPurchase.optional(),
  })
  .strict();
export type Fleet = z.infer<typeof Fleet>;
export type FleetInput = z.input<typeof Fleet>;
