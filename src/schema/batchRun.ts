import { z } from 'zod';

/**
 * BatchSpec: what every Batch job of a run executes, `capacity-plan <command> <args...>`, written
 * by the user as YAML or JSON (`batch submit --spec`). The job adds --instance-type and --out
 * itself, so the spec may not set them.
 */
const RESERVED_FLAGS = ['--out', '--instance-type', '--json'];

export const BatchSpec = z
  .object({
    command: z.enum(['profile', 'sweep']),
    args: z
      .array(z.string())
      .default([])
      .refine((args) => !args.some((a) => RESERVED_FLAGS.includes(a.split('=')[0]!)), {
        message: `the job sets ${RESERVED_FLAGS.join(', ')} itself: leave them out of args`,
      }),
  })
  .strict();
export type BatchSpec = z.infer<typeof BatchSpec>;

/** What `batch submit` records in the bucket (runs/<run>.json) for `batch status` and `batch collect`. */
export const BATCH_RUN_SCHEMA_VERSION = 1;

export const BatchRun = z
  .object({
    schemaVersion: z.literal(BATCH_RUN_SCHEMA_VERSION),
    kind: z.literal('batch-run'),
    runId: z.string(),
    createdAt: z.string(),
    region: z.string(),
    bucket: z.string(),
    specKey: z.string(),
    spec: BatchSpec,
    jobs: z.array(z.object({ instanceType: z.string(), jobId: z.string(), jobName: z.string(), jobQueue: z.string() }).strict()).min(1),
  })
  .strict();
export type BatchRun = z.infer<typeof BatchRun>;
