import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../util/zodErrors.js';
import type { ModelSignature } from '../../model/signature.js';
import { keepAspectMultiple, ResizeMode, type ProfileSpec } from '../../schema/profileSpec.js';
import { InputError } from '../../util/errors.js';
import { RequestFailure, type PreprocessConfig, type RequestState, type Stage, type StageContext } from '../stage.js';

/**
 * Step 2 of the article's pipeline: the preprocessing config (normalisation, resize). The fat
 * TorchServe handler opened preprocess_config.json for every request; `per-request` does exactly
 * that, `cached` reads it once when the stage is created.
 */

export const PREPROCESS_CONFIG_FILE = 'preprocess_config.json';

export const PreprocessConfigSchema = z
  .object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    resize: ResizeMode,
    layout: z.enum(['nchw', 'nhwc']).optional(),
  })
  .strict();

/**
 * The config a run's preprocessing uses (the server's file, and the client's copy). A uint8 input
 * takes pixel values as they are: mean 0 and std 1/255 make (v/255 - mean)/std the pixel itself.
 */
export function preprocessConfigFrom(
  spec: ProfileSpec,
  inputShape: [number, number, number],
  input?: Pick<ModelSignature, 'inputType' | 'layout'>,
): PreprocessConfig {
  const [channels, height, width] = inputShape;
  const pixels = input?.inputType === 'uint8';
  const { resize } = spec.pipeline.preprocess;
  const multiple = keepAspectMultiple(resize);
  if (multiple !== undefined && (width % multiple !== 0 || height % multiple !== 0)) {
    throw new InputError(
      `--resize ${resize} pads to a multiple of ${multiple}, but the input is ${height}x${width} (H x W)`,
      `give --input-shape ${channels},${roundUp(height, multiple)},${roundUp(width, multiple)} or another multiple of ${multiple}`,
    );
  }
  const mean: [number, number, number] = pixels ? [0, 0, 0] : spec.pipeline.preprocess.mean;
  const std: [number, number, number] = pixels ? [1 / 255, 1 / 255, 1 / 255] : spec.pipeline.preprocess.std;
  const config = { width, height, channels, mean, std, resize, ...(input?.layout === 'nhwc' ? { layout: 'nhwc' as const } : {}) };
  const parsed = PreprocessConfigSchema.safeParse(config);
  if (!parsed.success) throw new Error(`preprocessing config for input shape ${inputShape.join('x')} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function createConfigLoadStage(ctx: StageContext): Stage {
  const path = join(ctx.scratchDir, PREPROCESS_CONFIG_FILE);
  writeConfigFile(path, preprocessConfigFrom(ctx.spec, ctx.inputShape, ctx.signature));

  if (ctx.spec.pipeline.configLoad === 'cached') {
    const cached = parseConfig(readFileSync(path, 'utf8'));
    ctx.observe?.onConfigRead?.(path);
    return {
      name: 'configLoad',
      run(state: RequestState): void {
        state.config = cached;
      },
    };
  }
  return {
    name: 'configLoad',
    async run(state: RequestState): Promise<void> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw new RequestFailure('configLoad', `cannot read ${PREPROCESS_CONFIG_FILE}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      ctx.observe?.onConfigRead?.(path);
      state.config = parseConfig(text);
    },
  };
}

function parseConfig(text: string): PreprocessConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RequestFailure('configLoad', `${PREPROCESS_CONFIG_FILE} is not valid JSON`);
  }
  const parsed = PreprocessConfigSchema.safeParse(raw);
  if (!parsed.success) throw new RequestFailure('configLoad', `${PREPROCESS_CONFIG_FILE} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/**
 * Written once at stage creation (not on the hot path), via temp + rename so that a per-request
 * reader in another worker never sees a half-written file.
 */
function writeConfigFile(path: string, config: PreprocessConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(tmp, path);
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
