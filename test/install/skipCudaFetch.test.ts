import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLACEHOLDER_MARKER, providerFileState } from '../../src/model/providers.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * scripts/install/skip-cuda-fetch.cjs, the package's preinstall, against a fake install tree
 * (<prefix>/node_modules/capacity-plan beside node_modules/onnxruntime-node), and the real
 * onnxruntime-node install script run over its result: with the placeholders it exits 0 without
 * touching the network.
 */

const require = createRequire(import.meta.url);
const { skipCudaFetch, PROVIDER_FILES, PLACEHOLDER_MARKER: SCRIPT_MARKER } = require('../../scripts/install/skip-cuda-fetch.cjs') as {
  skipCudaFetch: (o: { env?: NodeJS.ProcessEnv; platform?: string; arch?: string; packageDir?: string; gpu?: boolean }) => string;
  PROVIDER_FILES: string[];
  PLACEHOLDER_MARKER: string;
};

let temp: { dir: string; remove: () => Promise<void> };
let packageDir: string;
let ortDir: string;
let binDir: string;

beforeEach(async () => {
  temp = await makeTempDir('cp-preinstall-');
  packageDir = join(temp.dir, 'node_modules', 'capacity-plan');
  ortDir = join(temp.dir, 'node_modules', 'onnxruntime-node');
  binDir = join(ortDir, 'bin', 'napi-v6', 'linux', 'x64');
  mkdirSync(packageDir, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  // The real package.json and install scripts of the onnxruntime-node this clone installed.
  const real = join(REPO_ROOT, 'node_modules', 'onnxruntime-node');
  cpSync(join(real, 'package.json'), join(ortDir, 'package.json'));
  cpSync(join(real, 'script'), join(ortDir, 'script'), { recursive: true });
});

afterEach(async () => temp.remove());

describe('skip-cuda-fetch (preinstall)', () => {
  it('shares its marker with src/model/providers.ts', () => {
    expect(SCRIPT_MARKER.startsWith(PLACEHOLDER_MARKER)).toBe(true);
  });

  it('linux x64 without a GPU: writes the three placeholders, which providers.ts reads as placeholders', () => {
    expect(skipCudaFetch({ env: {}, platform: 'linux', arch: 'x64', packageDir, gpu: false })).toBe('placeholders-written');
    expect(PROVIDER_FILES).toEqual(['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so']);
    for (const f of PROVIDER_FILES) expect(providerFileState(join(binDir, f))).toBe('placeholder');
  });

  it('leaves onnxruntime-node alone with a GPU, with any install flag set, and off linux x64', () => {
    expect(skipCudaFetch({ env: {}, platform: 'linux', arch: 'x64', packageDir, gpu: true })).toBe('gpu-present');
    expect(skipCudaFetch({ env: { ONNXRUNTIME_NODE_INSTALL: 'cuda12' }, platform: 'linux', arch: 'x64', packageDir, gpu: false })).toBe('flag-set');
    expect(skipCudaFetch({ env: { npm_config_onnxruntime_node_install_cuda: 'skip' }, platform: 'linux', arch: 'x64', packageDir, gpu: false })).toBe('flag-set');
    expect(skipCudaFetch({ env: {}, platform: 'darwin', arch: 'arm64', packageDir, gpu: false })).toBe('nothing-to-fetch');
    for (const f of PROVIDER_FILES) expect(existsSync(join(binDir, f))).toBe(false);
  });

  it('never overwrites a real provider library', () => {
    writeFileSync(join(binDir, 'libonnxruntime_providers_cuda.so'), '\x7fELF real library');
    skipCudaFetch({ env: {}, platform: 'linux', arch: 'x64', packageDir, gpu: false });
    expect(readFileSync(join(binDir, 'libonnxruntime_providers_cuda.so'), 'latin1')).toBe('\x7fELF real library');
    expect(providerFileState(join(binDir, 'libonnxruntime_providers_cuda.so'))).toBe('installed');
  });

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')(
    "onnxruntime-node's own postinstall, run after it as npm would, exits 0 without a download",
    async () => {
      skipCudaFetch({ env: {}, platform: 'linux', arch: 'x64', packageDir, gpu: false });
      // As npm runs it for a dependency: cwd is the package, no flags; its requires (global-agent, adm-zip) from this clone.
      const env = { PATH: process.env.PATH, NODE_PATH: join(REPO_ROOT, 'node_modules'), npm_config_local_prefix: temp.dir, npm_package_json: join(ortDir, 'package.json') };
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['./script/install'], { cwd: ortDir, env, timeout: 30_000 });
      expect(stdout).toBe('');
      expect(stderr).toBe('');
      for (const f of PROVIDER_FILES) expect(providerFileState(join(binDir, f))).toBe('placeholder');
    },
  );
});
