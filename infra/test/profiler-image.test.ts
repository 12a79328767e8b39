import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILER_DOCKERFILE, PROFILER_IMAGE_CONTEXT } from '../lib/stacks.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { makeTempDir } from '../../test/support/tempDir.js';

/**
 * The profiler image without Docker (none here, and no base image can be pulled): the Dockerfile's
 * build stage is replayed in a temp folder (its COPY lines copy from the repository, its RUN line
 * runs with sh), with the clone's node_modules linked in place of `npm ci` (no registry needed).
 * What is not run here: `npm ci` inside node:22, the CUDA base image, and the NuGet download of the
 * CUDA provider (infra/README.md says so).
 */

const dockerfile = readFileSync(join(REPO_ROOT, PROFILER_DOCKERFILE), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => (line.startsWith('FROM ') ? [...acc, [line]] : acc.length ? [...acc.slice(0, -1), [...acc.at(-1)!, line]] : acc), []);
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** COPY sources from the context (not --from), as written. */
function contextCopies(stage: string[]): { sources: string[]; dest: string }[] {
  return stage
    .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
    .map((l) => {
      const parts = l.split(/\s+/).slice(1);
      return { sources: parts.slice(0, -1), dest: parts.at(-1)! };
    });
}

describe('profiler image (infra/images/profiler/Dockerfile)', () => {
  it('builds from the repository root with a second stage that installs the packed tarball, not a registry name', () => {
    expect(PROFILER_IMAGE_CONTEXT).toBe(REPO_ROOT);
    expect(stages.map((s) => s[0])).toEqual(['FROM node:${NODE_VERSION}-bookworm-slim AS build', 'FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04']);
    const runtime = stages[1]!.join('\n');
    expect(runtime).toContain('COPY --from=build /artifact/capacity-plan.tgz /opt/capacity-plan/capacity-plan.tgz');
    expect(runtime).toMatch(/RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm install --global \/opt\/capacity-plan\/capacity-plan\.tgz/);
    expect(dockerfile).not.toMatch(/npm install --global "?\$\{?TOOL_PACKAGE/);
  });

  it('every COPY source exists in the repository and .dockerignore keeps none of them out', () => {
    const sources = stages.flatMap((s) => contextCopies(s)).flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      const top = source.replace(/\/$/, '').split('/')[0]!;
      expect(dockerignore.filter((pattern) => pattern === top || pattern === source.replace(/\/$/, '')), source).toEqual([]);
    }
    for (const heavy of ['**/node_modules', 'dist', '.git', 'infra/cdk.out', 'profiles/results']) expect(dockerignore).toContain(heavy);
  });

  describe('the build stage, replayed', () => {
    let temp: { dir: string; remove: () => Promise<void> };
    let artifact: string;

    beforeAll(async () => {
      temp = await makeTempDir('cp-image-');
      const src = join(temp.dir, 'src');
      artifact = join(temp.dir, 'artifact');
      mkdirSync(src);
      const build = stages[0]!;
      for (const { sources, dest } of contextCopies(build)) {
        for (const source of sources) {
          const target = dest.endsWith('/') ? join(src, dest, dest === './' ? source.replace(/\/$/, '').split('/').at(-1)! : '') : join(src, dest);
          cpSync(join(REPO_ROOT, source), target, { recursive: true });
        }
      }
      // In place of `RUN npm ci --workspaces=false`: the clone's own dependencies.
      expect(build).toContain('RUN npm ci --workspaces=false --no-audit --no-fund');
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(src, 'node_modules'));
      const run = build.filter((l) => l.startsWith('RUN ') && l.includes('npm pack')).at(0)!;
      const script = run.slice('RUN '.length).replaceAll('/artifact', artifact).replace('"${CAPACITY_PLAN_COMMIT}"', 'feedfacecafe');
      execFileSync('sh', ['-c', script], { cwd: src, env: { ...process.env, npm_config_update_notifier: 'false' }, stdio: 'pipe' });
    }, 180_000);

    afterAll(async () => temp.remove());

    it('packs capacity-plan.tgz with the build argument as its commit, LICENSE and docs, and no bench', () => {
      const tgz = join(artifact, 'capacity-plan.tgz');
      expect(existsSync(tgz)).toBe(true);
      const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
      for (const f of ['package/LICENSE', 'package/dist/cli/main.js', 'package/dist/build-info.json', 'package/docs/plan.md', 'package/profiles/imported/article-triton-g4dn.json', 'package/scripts/install/skip-cuda-fetch.cjs', 'package/dist/web/report.html', 'package/dist/web/app.js']) {
        expect(files, f).toContain(f);
      }
      expect(files.filter((f) => f.startsWith('package/dist/bench/'))).toEqual([]);
      const info = execFileSync('tar', ['-xzOf', tgz, 'package/dist/build-info.json'], { encoding: 'utf8' });
      expect(JSON.parse(info)).toEqual({ commit: 'feedfacecafe' });
    });
  });
});
