'use strict';
// capacity-plan's preinstall: keeps a CPU-only `npm install -g capacity-plan-<version>.tgz` from
// failing or downloading GPU libraries it cannot use. Plain CommonJS with no dependencies: it runs
// before anything of ours is built or resolvable.
//
// Why this exists: onnxruntime-node 1.30's postinstall (node_modules/onnxruntime-node/script/install.js)
// downloads the CUDA 12 provider from NuGet (api.nuget.org) for every linux/x64 install, and the
// whole `npm install` fails (ENOTFOUND) where only the npm registry is reachable. With the user's
// default npm settings nothing in our package can set its flag (ONNXRUNTIME_NODE_INSTALL=skip): npm
// reads no .npmrc from a dependency, and a script cannot change the environment of another. What
// that script does read is whether its three provider files already exist: if they all do, it exits
// 0 without a download. npm 10 and 11 run every package's preinstall before any postinstall
// (@npmcli/arborist rebuild: preinstall queue, bin links, install queue, postinstall queue), so
// here, on a host without an NVIDIA GPU, we write short text placeholders under those names.
// src/model/providers.ts recognises them by PLACEHOLDER_MARKER and `capacity-plan doctor` prints the
// command that replaces them with the real libraries.
//
// Left alone (onnxruntime-node's own behaviour): any ONNXRUNTIME_NODE_INSTALL(_CUDA) flag set by
// the user, platforms other than linux/x64 (nothing is fetched there), and hosts with an NVIDIA
// driver loaded or nvidia-smi on PATH (those get the CUDA provider, as a GPU host should).
const fs = require('node:fs');
const path = require('node:path');

const PLACEHOLDER_MARKER = 'capacity-plan placeholder: the onnxruntime-node CUDA provider is not installed';
const PROVIDER_FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'];

function flagSet(env) {
  return ['ONNXRUNTIME_NODE_INSTALL', 'npm_config_onnxruntime_node_install', 'ONNXRUNTIME_NODE_INSTALL_CUDA', 'npm_config_onnxruntime_node_install_cuda'].some(
    (name) => typeof env[name] === 'string' && env[name] !== '',
  );
}

function onPath(command, env) {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, command), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function nvidiaGpuPresent(env) {
  return fs.existsSync('/proc/driver/nvidia/version') || onPath('nvidia-smi', env);
}

/** onnxruntime-node's folder as Node would resolve it from this package (nested or hoisted). */
function onnxruntimeDir(fromDir) {
  try {
    return path.dirname(require.resolve('onnxruntime-node/package.json', { paths: [fromDir] }));
  } catch {
    return undefined;
  }
}

/** Returns what it did, for the log line and the tests. */
function skipCudaFetch({ env = process.env, platform = process.platform, arch = process.arch, packageDir = path.join(__dirname, '..', '..'), gpu } = {}) {
  if (flagSet(env)) return 'flag-set';
  if (platform !== 'linux' || arch !== 'x64') return 'nothing-to-fetch';
  if (gpu ?? nvidiaGpuPresent(env)) return 'gpu-present';
  const ortDir = onnxruntimeDir(packageDir);
  if (!ortDir) return 'no-onnxruntime';
  const binDir = path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64');
  if (!fs.existsSync(binDir)) return 'no-onnxruntime';
  for (const name of PROVIDER_FILES) {
    const file = path.join(binDir, name);
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, `${PLACEHOLDER_MARKER}.\nRun \`capacity-plan doctor\` on a GPU host for the command that installs it.\n`);
    }
  }
  return 'placeholders-written';
}

module.exports = { skipCudaFetch, PLACEHOLDER_MARKER, PROVIDER_FILES };

if (require.main === module) {
  try {
    const outcome = skipCudaFetch();
    if (outcome === 'placeholders-written') {
      console.log('capacity-plan: no NVIDIA GPU here, so onnxruntime-node will not download its CUDA provider (CPU works; `capacity-plan doctor` says how to add CUDA)');
    }
  } catch (error) {
    // Never fail the install from here: at worst onnxruntime-node's own script runs as it would have.
    console.log(`capacity-plan: could not skip the CUDA download (${error instanceof Error ? error.message : String(error)})`);
  }
}
