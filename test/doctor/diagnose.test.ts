import { describe, expect, it } from 'vitest';
import { CUDA_LIBRARIES, CUDNN_LIBRARIES, diagnose, renderDiagnosis, type DoctorFacts } from '../../src/doctor/diagnose.js';

const allLibraries = Object.fromEntries([...CUDA_LIBRARIES, ...CUDNN_LIBRARIES].map((l) => [l, `/usr/lib/${l}`]));

const gpuHost: DoctorFacts = {
  nodeVersion: 'v22.12.0',
  onnxruntime: { version: '1.30.0', cpuSession: 'ok' },
  cudaProvider: { state: 'installed', installCommand: 'ONNXRUNTIME_NODE_INSTALL=true node /x/script/install.js' },
  nvidiaSmi: { found: true, gpus: [{ name: 'Tesla T4', driverVersion: '535.104.05', memoryTotalMiB: 15360 }] },
  libraries: allLibraries,
  cudaSession: 'ok',
  ec2: { instanceType: 'g4dn.xlarge', region: 'us-east-1' },
  chromiumLooked: '/usr/bin/chromium',
  awsCredentials: 'the instance role profiler',
};

describe('diagnose', () => {
  it('a ready GPU host: can profile on cpu and cuda, every line OK but chromium', () => {
    const d = diagnose(gpuHost);
    expect(d.canProfile).toBe(true);
    expect(d.devices).toEqual(['cpu', 'cuda']);
    expect(d.verdict).toBe('this host can profile on the GPU: --device cuda loads (Tesla T4)');
    expect(d.checks.filter((c) => c.status !== 'ok').map((c) => c.id)).toEqual(['chromium']);
  });

  it('a GPU whose CUDA session fails: cannot profile, the session line carries the error', () => {
    const d = diagnose({ ...gpuHost, cudaSession: { error: 'CUDA driver version is insufficient for CUDA runtime version' } });
    expect(d.canProfile).toBe(false);
    expect(d.devices).toEqual(['cpu']);
    expect(d.checks.find((c) => c.id === 'cuda-session')).toMatchObject({ status: 'missing', detail: '--device cuda: a CUDA session on the tiny model fails: CUDA driver version is insufficient for CUDA runtime version' });
  });

  it('onnxruntime-node that does not run: cannot profile at all', () => {
    const d = diagnose({ ...gpuHost, nvidiaSmi: { found: false }, onnxruntime: { version: '1.30.0', cpuSession: { error: 'libonnxruntime.so.1: cannot open shared object file' } } });
    expect(d.canProfile).toBe(false);
    expect(d.devices).toEqual([]);
    expect(d.verdict).toBe('this host cannot profile: onnxruntime-node does not run (see the line marked MISSING)');
  });

  it('Node 20: a warning with the fix, not a failure', () => {
    const d = diagnose({ ...gpuHost, nodeVersion: 'v20.20.2' });
    expect(d.canProfile).toBe(true);
    expect(d.checks[0]).toMatchObject({ id: 'node', status: 'warn' });
  });

  it('renders the verdict first and a fix under each line that is not OK', () => {
    const text = renderDiagnosis(diagnose({ ...gpuHost, libraries: { ...allLibraries, 'libcudnn.so.9': undefined }, cudaSession: undefined }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('this host has an NVIDIA GPU but --device cuda would not load: fix the lines marked MISSING (CPU profiling works)');
    const cudnn = lines.findIndex((l) => /^ {2}MISSING\s+cudnn\s/.test(l));
    expect(lines[cudnn + 1]).toMatch(/^\s+fix: install it \(NVIDIA's apt repository: sudo apt-get install -y libcudnn9-cuda-12\)/);
  });
});
