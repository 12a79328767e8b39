import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RequestFailure, type RequestState, type Stage, type StageContext } from '../stage.js';

/**
 * TorchServe's large-body behaviour ("sometimes step 3" in the article): a payload above the
 * threshold is written to a temp file, and the handler reads it back from disk. `memory` keeps
 * the body in memory (Triton). Client-side tensors carry no payload and are never spooled.
 */
export function createPayloadSpoolStage(ctx: StageContext): Stage {
  const { mode, thresholdBytes } = ctx.spec.pipeline.payloadSpool;
  if (mode === 'memory') return { name: 'payloadSpool', run: () => {} };

  mkdirSync(ctx.scratchDir, { recursive: true });
  // pid + random prefix + counter: unique across concurrent requests and workers sharing the dir.
  const prefix = `spool-${process.pid}-${randomBytes(4).toString('hex')}`;
  let counter = 0;
  return {
    name: 'payloadSpool',
    async run(state: RequestState): Promise<void> {
      const payload = state.payload;
      if (!payload || payload.byteLength <= thresholdBytes) return;
      const path = join(ctx.scratchDir, `${prefix}-${counter++}.bin`);
      try {
        await writeFile(path, payload);
        ctx.observe?.onTempFile?.(path);
        state.payload = await readFile(path);
      } catch (error) {
        throw new RequestFailure('payloadSpool', `temp file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      } finally {
        await rm(path, { force: true });
      }
    },
  };
}
