/**
 * `capacity-plan doctor`'s judgement: plain facts about the host in (gathered by probes.ts), one
 * line per concern out, each OK or not with the command that fixes it, and a verdict first. Pure:
 * tests hand in facts for a GPU host, a CPU laptop, a host off EC2.
 */

export const CUDA_MAJOR = 12;
export const CUDNN_MAJOR = 9;

/** What onnxruntime-node's CUDA 12 provider (1.30) loads at session creation, by soname. */
export const CUDA_LIBRARIES = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10'] as const;
export const CUDNN_LIBRARIES = ['libcudnn.so.9'] as const;

export const SUPPORTED_NODE_MAJOR = 22;

export interface GpuFact {
  name: string;
  driverVersion?: string;
  memoryTotalMiB?: number;
}

export interface DoctorFacts {
  nodeVersion: string;
  onnxruntime: { version?: string; cpuSession: 'ok' | { error: string } };
  cudaProvider: { state: 'installed' | 'placeholder' | 'missing'; installCommand: string };
  /** undefined: nvidia-smi not found; error: it ran and failed (driver not loaded). */
  nvidiaSmi: { found: false } | { found: true; gpus: GpuFact[] } | { found: true; error: string };
  /** Where each library was found (ldconfig or $LD_LIBRARY_PATH); absent when not looked for (no GPU). */
  libraries?: Record<string, string | undefined>;
  /** Tried only where a GPU, the provider and the libraries are all present. */
  cudaSession?: 'ok' | { error: string };
  ec2?: { instanceType: string; region?: string };
  chromiumPath?: string;
  chromiumLooked: string;
  /** Where credentials would come from (a source's name, never a value). */
  awsCredentials?: string;
}

export type CheckStatus = 'ok' | 'missing' | 'warn' | 'skip' | 'info';

export interface Check {
  id: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface Diagnosis {
  canProfile: boolean;
  /** The devices `profile --device` would load here. */
  devices: ('cpu' | 'cuda')[];
  verdict: string;
  checks: Check[];
}

function nodeMajor(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

export function diagnose(f: DoctorFacts): Diagnosis {
  const checks: Check[] = [];
  const major = nodeMajor(f.nodeVersion);
  checks.push(
    major >= SUPPORTED_NODE_MAJOR
      ? { id: 'node', status: 'ok', detail: `Node.js ${f.nodeVersion} (${SUPPORTED_NODE_MAJOR} or later is supported)` }
      : {
          id: 'node',
          status: 'warn',
          detail: `Node.js ${f.nodeVersion} is older than the supported ${SUPPORTED_NODE_MAJOR}; it may run, but is not tested`,
          fix: `install Node.js ${SUPPORTED_NODE_MAJOR} or 24 LTS (e.g. from https://nodejs.org or your distribution), then reinstall capacity-plan`,
        },
  );

  const cpuOk = f.onnxruntime.cpuSession === 'ok';
  checks.push(
    cpuOk
      ? { id: 'onnxruntime', status: 'ok', detail: `onnxruntime-node ${f.onnxruntime.version ?? '?'}: a CPU session on the tiny model runs` }
      : {
          id: 'onnxruntime',
          status: 'missing',
          detail: `onnxruntime-node ${f.onnxruntime.version ?? '(not found)'} does not run the tiny model on CPU: ${(f.onnxruntime.cpuSession as { error: string }).error}`,
          fix: 'reinstall capacity-plan (npm install -g <capacity-plan tarball>) on linux x64/arm64, macOS or Windows',
        },
  );

  const gpus = f.nvidiaSmi.found && 'gpus' in f.nvidiaSmi ? f.nvidiaSmi.gpus : [];
  const gpuPresent = gpus.length > 0;
  if (!f.nvidiaSmi.found) {
    checks.push({ id: 'gpu', status: 'info', detail: 'no NVIDIA GPU (nvidia-smi not found): --device cpu only' });
  } else if ('error' in f.nvidiaSmi) {
    checks.push({
      id: 'gpu',
      status: 'missing',
      detail: `nvidia-smi found but failed: ${f.nvidiaSmi.error}`,
      fix: 'load the NVIDIA driver (reboot after installing it; on EC2 use a Deep Learning AMI or install the driver: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/install-nvidia-driver.html)',
    });
  } else if (!gpuPresent) {
    checks.push({ id: 'gpu', status: 'info', detail: 'nvidia-smi lists no GPU: --device cpu only' });
  } else {
    const list = gpus.map((g) => `${g.name}${g.memoryTotalMiB !== undefined ? ` ${(g.memoryTotalMiB / 1024).toFixed(0)} GiB` : ''}`).join(', ');
    checks.push({ id: 'gpu', status: 'ok', detail: `${gpus.length} NVIDIA GPU(s): ${list}; driver ${gpus[0]!.driverVersion ?? '?'}` });
  }

  const providerOk = f.cudaProvider.state === 'installed';
  const gpuOrSmi = f.nvidiaSmi.found;
  checks.push(
    providerOk
      ? { id: 'cuda-provider', status: 'ok', detail: `onnxruntime-node's CUDA ${CUDA_MAJOR} provider is installed` }
      : {
          id: 'cuda-provider',
          status: gpuOrSmi ? 'missing' : 'skip',
          detail: `onnxruntime-node's CUDA ${CUDA_MAJOR} provider is not installed${f.cudaProvider.state === 'placeholder' ? ' (a CPU-only install skipped its download)' : ''}${gpuOrSmi ? '' : '; not needed without a GPU'}`,
          fix: `${f.cudaProvider.installCommand} (downloads it from NuGet)`,
        },
  );

  const libs = f.libraries;
  const libCheck = (id: string, names: readonly string[], what: string, fix: string): Check => {
    if (!libs) return { id, status: 'skip', detail: `${what}: not looked for without a GPU` };
    const missing = names.filter((n) => !libs[n]);
    if (missing.length === 0) return { id, status: 'ok', detail: `${what}: ${names.map((n) => libs[n]).join(', ')}` };
    return { id, status: 'missing', detail: `${what}: ${missing.join(', ')} not found by ldconfig or in $LD_LIBRARY_PATH`, fix };
  };
  checks.push(
    libCheck(
      'cuda-libraries',
      CUDA_LIBRARIES,
      `CUDA ${CUDA_MAJOR} libraries`,
      `install them (NVIDIA's apt repository: sudo apt-get install -y cuda-libraries-${CUDA_MAJOR}-6), or on a Deep Learning AMI: export LD_LIBRARY_PATH=$(ls -d /usr/local/cuda-${CUDA_MAJOR}.* | sort -V | tail -n 1)/lib64:$LD_LIBRARY_PATH`,
    ),
  );
  checks.push(
    libCheck(
      'cudnn',
      CUDNN_LIBRARIES,
      `cuDNN ${CUDNN_MAJOR}`,
      `install it (NVIDIA's apt repository: sudo apt-get install -y libcudnn${CUDNN_MAJOR}-cuda-${CUDA_MAJOR}), or add its lib folder to LD_LIBRARY_PATH`,
    ),
  );

  const cudaOk = f.cudaSession === 'ok';
  if (f.cudaSession === undefined) {
    checks.push({
      id: 'cuda-session',
      status: gpuPresent ? 'missing' : 'skip',
      detail: gpuPresent ? '--device cuda: not tried until the lines above are OK' : '--device cuda: no GPU to try',
    });
  } else if (cudaOk) {
    checks.push({ id: 'cuda-session', status: 'ok', detail: '--device cuda: a CUDA session on the tiny model loads' });
  } else {
    checks.push({
      id: 'cuda-session',
      status: 'missing',
      detail: `--device cuda: a CUDA session on the tiny model fails: ${(f.cudaSession as { error: string }).error}`,
      fix: `check that the CUDA ${CUDA_MAJOR} and cuDNN ${CUDNN_MAJOR} libraries match the driver (nvidia-smi prints the highest CUDA it supports)`,
    });
  }

  checks.push(
    f.ec2
      ? { id: 'ec2', status: 'ok', detail: `EC2 ${f.ec2.instanceType}${f.ec2.region ? ` in ${f.ec2.region}` : ''} (from instance metadata): profiles record the instance type` }
      : { id: 'ec2', status: 'info', detail: 'not on EC2 (no instance metadata): pass --instance-type to plan' },
  );
  checks.push(
    f.chromiumPath
      ? { id: 'chromium', status: 'ok', detail: `Chromium at ${f.chromiumPath} (the report's browser tests)` }
      : { id: 'chromium', status: 'info', detail: `no Chromium at ${f.chromiumLooked}: only the report's browser tests need it`, fix: 'sudo apt-get install -y --no-install-recommends chromium' },
  );
  checks.push(
    f.awsCredentials
      ? { id: 'aws-credentials', status: 'ok', detail: `AWS credentials from ${f.awsCredentials} (not shown)` }
      : { id: 'aws-credentials', status: 'info', detail: 'no AWS credentials: prices refresh, rightsize against CloudWatch and batch need them', fix: 'aws configure (or an instance role on EC2)' },
  );

  const canProfile = cpuOk && (!gpuPresent || cudaOk);
  const devices: ('cpu' | 'cuda')[] = cpuOk ? (cudaOk ? ['cpu', 'cuda'] : ['cpu']) : [];
  let verdict: string;
  if (!cpuOk) verdict = 'this host cannot profile: onnxruntime-node does not run (see the line marked MISSING)';
  else if (cudaOk) verdict = `this host can profile on the GPU: --device cuda loads (${gpus[0]?.name ?? 'NVIDIA GPU'})`;
  else if (gpuPresent) verdict = 'this host has an NVIDIA GPU but --device cuda would not load: fix the lines marked MISSING (CPU profiling works)';
  else verdict = 'this host can profile on CPU (--device cpu); it has no NVIDIA GPU for --device cuda';
  return { canProfile, devices, verdict, checks };
}

const LABEL: Record<CheckStatus, string> = { ok: 'OK', missing: 'MISSING', warn: 'WARN', skip: '-', info: 'INFO' };

/** The screen: verdict first, then one line per check, a fix under each that has one and is not OK. */
export function renderDiagnosis(d: Diagnosis): string {
  const idWidth = Math.max(...d.checks.map((c) => c.id.length));
  const lines = [d.verdict];
  for (const c of d.checks) {
    lines.push(`  ${LABEL[c.status].padEnd(7)}  ${c.id.padEnd(idWidth)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok' && c.status !== 'skip') lines.push(`  ${''.padEnd(7)}  ${''.padEnd(idWidth)}  fix: ${c.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
