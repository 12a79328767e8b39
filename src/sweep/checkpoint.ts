import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { CostExtra, Environment } from '../schema/profileResult.js';
import { CurvePoint } from '../schema/sweepResult.js';
import { parseDocument, readDocumentText, writeJsonAtomic } from '../util/documents.js';
import { UsageError } from '../util/errors.js';

/**
 * The checkpoint beside a sweep's output (`<out>.checkpoint.json`): the definition's hash and every
 * finished point, rewritten atomically after each point. A re-run of the same sweep replays these
 * points instead of measuring them; a sweep of another definition refuses to touch it.
 */
export const CHECKPOINT_SCHEMA_VERSION = 2;

/** What a capacity search keeps of one run besides its curve point: the counts its evidence pools. */
export const RunRecord = z
  .object({
    completed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    /** The run's end-to-end histogram (encodeHistogram); null when the run kept none. */
    latencyHistogram: z.string().nullable(),
    otherCpuPct: z.number().nonnegative().optional(),
    stealPct: z.number().nonnegative().optional(),
    /** Wall time of the run, model load included: what the budget counts (replayed, it counts again the same). */
    wallS: z.number().nonnegative(),
  })
  .strict();
export type RunRecord = z.infer<typeof RunRecord>;

/** One finished point, with what the final document needs from its profile run. */
export const CheckpointPoint = z
  .object({
    configuration: z.string(),
    /** Which repeat of its point this run was (0 when absent); a probe is the rps search's start. */
    repeat: z.number().int().nonnegative().optional(),
    probe: z.literal(true).optional(),
    point: CurvePoint,
    environment: Environment,
    modelLoadMs: z.number().nonnegative().optional(),
    costExtras: z.array(CostExtra).default([]),
    run: RunRecord.optional(),
  })
  .strict();
export type CheckpointPoint = z.infer<typeof CheckpointPoint>;

export const SweepCheckpoint = z
  .object({
    // Version 1 entries (no repeat, no probe) read as version 2 ones.
    schemaVersion: z.union([z.literal(1), z.literal(CHECKPOINT_SCHEMA_VERSION)]),
    kind: z.literal('sweep-checkpoint'),
    definitionHash: z.string(),
    /** For people reading the file: what the sweep was. */
    summary: z.string(),
    points: z.array(CheckpointPoint),
  })
  .strict();
export type SweepCheckpoint = z.infer<typeof SweepCheckpoint>;

export function checkpointPathFor(outPath: string): string {
  return `${outPath}.checkpoint.json`;
}

/** The finished points of this definition's checkpoint; none when there is no checkpoint. */
export async function readCheckpoint(path: string, definitionHash: string): Promise<CheckpointPoint[]> {
  const text = await readDocumentText(path, 'sweep checkpoint', true);
  if (text === undefined) return [];
  const checkpoint = parseDocument(text, path, SweepCheckpoint, 'sweep checkpoint', [1, CHECKPOINT_SCHEMA_VERSION]);
  if (checkpoint.definitionHash !== definitionHash) {
    throw new UsageError(
      `the checkpoint '${path}' belongs to a different sweep (${checkpoint.summary}): model, preset, flags, --vary or --sla differ`,
      'delete the checkpoint to start this sweep afresh, or choose another --out',
    );
  }
  return checkpoint.points;
}

export async function writeCheckpoint(path: string, definitionHash: string, summary: string, points: CheckpointPoint[]): Promise<void> {
  const checkpoint: SweepCheckpoint = {
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    kind: 'sweep-checkpoint',
    definitionHash,
    summary,
    points,
  };
  await writeJsonAtomic(path, checkpoint);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
