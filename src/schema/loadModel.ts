import { z } from 'zod';

/**
 * A load model is a plan, not a loop (k6's executors): the runner only executes it.
 * Open models (constant-rate, poisson, schedule) send at intended times and measure latency from
 * those times; closed-loop keeps `concurrency` requests in flight.
 */
export const ClosedLoopLoad = z
  .object({
    kind: z.literal('closed-loop'),
    concurrency: z.number().int().positive(),
  })
  .strict();

export const ConstantRateLoad = z
  .object({
    kind: z.literal('constant-rate'),
    rps: z.number().positive(),
    /** Requests allowed in flight before new ones are dropped (counted, never silently delayed). */
    maxInFlight: z.number().int().positive().default(1024),
  })
  .strict();

export const PoissonLoad = z
  .object({
    kind: z.literal('poisson'),
    rps: z.number().positive(),
    seed: z.number().int().nonnegative().default(1),
    maxInFlight: z.number().int().positive().default(1024),
  })
  .strict();

/** Piecewise-constant rate: each step holds `rps` for `durationS` (bursty traffic, ramps). */
export const ScheduleLoad = z
  .object({
    kind: z.literal('schedule'),
    steps: z
      .array(z.object({ rps: z.number().nonnegative(), durationS: z.number().positive() }).strict())
      .min(1),
    arrivals: z.enum(['uniform', 'poisson']).default('uniform'),
    seed: z.number().int().nonnegative().default(1),
    maxInFlight: z.number().int().positive().default(1024),
  })
  .strict();

export const LoadModel = z.discriminatedUnion('kind', [
  ClosedLoopLoad,
  ConstantRateLoad,
  PoissonLoad,
  ScheduleLoad,
]);
export type LoadModel = z.infer<typeof LoadModel>;
export type LoadModelInput = z.input<typeof LoadModel>;
