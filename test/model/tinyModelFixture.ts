import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Engine } from '../../src/model/engine.js';
import { buildTiny } from '../../src/model/tiny.js';

/** One tiny-model input item: 3 x 224 x 224 float32 values. */
export const ITEM = 3 * 224 * 224;

/**
 * Registers the hooks every engine test file needs: a temp dir with the tiny model written into it
 * (seed 1), engines pushed to `engines` closed after each test, the dir removed at the end.
 */
export function useTinyModel(prefix: string): { readonly dir: string; readonly tinyPath: string; engines: Engine[] } {
  const fixture = { dir: '', tinyPath: '', engines: [] as Engine[] };
  beforeAll(async () => {
    fixture.dir = await mkdtemp(join(tmpdir(), prefix));
    fixture.tinyPath = join(fixture.dir, 'tiny.onnx');
    await writeFile(fixture.tinyPath, buildTiny({ seed: 1 }));
  });
  afterEach(async () => {
    await Promise.all(fixture.engines.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
