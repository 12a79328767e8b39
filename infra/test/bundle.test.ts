import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { makeTempDir } from '../../test/support/tempDir.js';
import { expectOneLineError } from '../../test/support/oneLineError.js';
import { synthApp } from './helpers.js';

const run = promisify(execFile);
let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('cp-infra-bundle-');
});
afterAll(async () => temp.remove());

describe('the scheduled watcher bundle', () => {
  it('bundles with esbuild (no Docker) and its metafile holds the watcher, not onnxruntime-node, sharp or express', async () => {
    const outdir = join(temp.dir, 'cdk.out');
    const { app } = synthApp({}, { bundle: true, nag: false, outdir });
    app.synth();
    const metafiles = readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('index.meta.json'));
    expect(metafiles).toHaveLength(1);
    const meta = JSON.parse(readFileSync(join(outdir, metafiles[0]!), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    // It can fail: the watcher's own modules are in the graph.
    expect(inputs.some((i) => i.endsWith('src/rightsize/analyse.ts'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/zod/'))).toBe(true);
    for (const heavy of ['onnxruntime-node', 'sharp', 'express']) {
      expect(inputs.filter((i) => i.includes(`node_modules/${heavy}/`)), heavy).toEqual([]);
    }
    // NODEJS_LATEST bundles our pinned SDK (not the runtime's): only the two clients the watcher calls.
    const clients = new Set(inputs.map((i) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(i)?.[1]).filter(Boolean));
    expect([...clients].sort()).toEqual(['client-cloudwatch', 'client-s3']);

    // And the bundle loads as the Lambda runtime would load it, and runs up to its first check.
    const bundle = join(outdir, metafiles[0]!.replace(/index\.meta\.json$/, 'index.mjs'));
    const loaded = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); await m.handler({}).catch((e) => console.log(e.message));`], {
      env: { ...process.env, RESULTS_BUCKET: '' },
    });
    expect(loaded.stdout.trim()).toBe('RESULTS_BUCKET is not set');
  });
});

describe('bin/capacity-plan.ts', () => {
  it('refuses a plan that recommends nothing in one line, exit 3', async () => {
    const plan = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/test/fixtures/defect-classifier-plan.json'), 'utf8'));
    const path = join(temp.dir, 'none.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, JSON.stringify({ ...plan, recommended: null })));
    const failed = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra/bin/capacity-plan.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ plan: path }), CDK_OUTDIR: join(temp.dir, 'refused.out') },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code).toBe(3);
    expect(expectOneLineError(failed.stderr)).toMatch(/recommends nothing/);
  });
});
