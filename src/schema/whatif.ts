import { z } from 'zod';
import { CapacityEstimate } from './capacityEstimate.js';
import { Environment } from './profileResult.js';
import { ProfileSpec } from './profileSpec.js';
import { Sla } from './sla.js';

/**
 * Whatif: what each serving setting of a spec costs in dollars at the user's traffic. Every
 * variant (the spec as given, each setting made thin alone, the cumulative path to all-thin) is
 * an open-loop capacity search (docs/sweep.md), priced by the planner's rule (src/whatif/dollars.ts).
 */
export const WHATIF_SCHEMA_VERSION = 1;

const NullableUsd = z.number().nullable();

export const UsdRange = z.object({ usd: NullableUsd, low: NullableUsd, high: NullableUsd }).strict();

/** One measured spec and its bill. */
export const WhatifVariant = z
  .object({
    label: z.string(),
    /** The open-loop capacity at the SLA with its 90% interval; absent when the search found none. */
    capacity: CapacityEstimate.optional(),
    instances: z.number().int().nonnegative().nullable(),
    usdPerMonth: NullableUsd,
    /** The bill's range from the capacity interval: [low (its upper end), high (its lower end)]. */
    usdLow: NullableUsd,
    usdHigh: NullableUsd,
    extrasUsd: z.number().nonnegative(),
    /** Runs and measurement seconds its search spent. */
    runs: z.number().int().nonnegative(),
    spentS: z.number().nonnegative(),
  })
  .strict();
export type WhatifVariant = z.infer<typeof WhatifVariant>;

export const SettingId = z.enum(['configLoad', 'payloadSpool', 'requestLog', 'preprocess', 'batching', 'instances']);

export const WhatifRow = z
  .object({
    setting: SettingId,
    from: z.string(),
    to: z.string(),
    /** The stages this setting decides and their share of the current spec's request time (null: not measured). */
    stages: z.array(z.string()),
    stageSharePct: z.number().nonnegative().nullable(),
    /** The spec with this one setting made thin. */
    without: WhatifVariant,
    /** What the setting costs a month: the current bill minus the bill without it (negative: it saves). */
    cost: UsdRange,
    /**
     * The capacity without the setting lies more than a grid step beyond both measurements of the
     * spec as given (the first and the control), the same way, and did so again when measured twice.
     */
    beyondNoise: z.boolean(),
    /**
     * The spec without this setting measured once more, after the control, where its first
     * measurement was apart: the row is beyond noise only when this one is too. Absent otherwise,
     * and in documents written before it.
     */
    again: WhatifVariant.optional(),
    /** Whether the cumulative path changes this setting (preprocess on the client moves work to the callers: off the path). */
    onPath: z.boolean(),
  })
  .strict();
export type WhatifRow = z.infer<typeof WhatifRow>;

export const PathStep = z
  .object({
    setting: SettingId,
    /** The spec with this and every earlier step's setting made thin. */
    variant: WhatifVariant,
    /** The previous step's bill minus this one's: what this setting saves after the earlier ones. */
    step: UsdRange,
    /** The same setting's saving alone (its row's cost). */
    single: UsdRange,
    /** The step and the single change disagree beyond noise (their dollar ranges do not overlap). */
    interacts: z.boolean(),
  })
  .strict();

export const WhatifResult = z
  .object({
    schemaVersion: z.literal(WHATIF_SCHEMA_VERSION),
    kind: z.literal('whatif'),
    name: z.string(),
    createdAt: z.string(),
    /** The profile document this started from, if any. */
    source: z.string().optional(),
    sla: Sla,
    spec: ProfileSpec,
    environment: Environment.optional(),
    pricing: z
      .object({
        instanceType: z.string(),
        region: z.string(),
        usdPerHour: z.number().nonnegative(),
        utilization: z.number().positive().max(1),
        minInstances: z.number().int().nonnegative(),
        /** The traffic in words: "100 req/s flat", "peak 60 req/s in business hours". */
        traffic: z.string(),
        peakDemandRps: z.number().nonnegative(),
      })
      .strict(),
    current: WhatifVariant,
    /**
     * The spec as given, measured again after every other variant (an A/A control): a row is beyond
     * noise only when apart from both measurements of it. Absent in documents written before it.
     */
    control: WhatifVariant.optional(),
    thin: WhatifVariant,
    /** Sorted by cost, highest first. */
    rows: z.array(WhatifRow),
    path: z
      .object({
        steps: z.array(PathStep),
        /** Whether the intermediate steps were measured (`--path full`) or only the two ends. */
        measured: z.enum(['full', 'ends']),
        /** current bill minus the thin bill, measured; and the sum of the single changes on the path. */
        total: UsdRange,
        sumOfSingles: UsdRange,
        /** The sum of single changes and the measured path disagree beyond noise. */
        interaction: z.boolean(),
      })
      .strict(),
    /** Each stage's share of the current spec's request time, from its runs (null where unmeasured). */
    stageShares: z.array(z.object({ name: z.string(), sharePct: z.number().nonnegative() }).strict()),
    notes: z.array(z.string()),
  })
  .strict();
export type WhatifResult = z.infer<typeof WhatifResult>;
