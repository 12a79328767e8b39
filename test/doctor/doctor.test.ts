import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDoctorCommand } from '../../src/cli/doctor.js';
import { providerState } from '../../src/model/providers.js';
import { runCapturedCli } from '../support/cliRuntime.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * `capacity-plan doctor` against fakes: nvidia-smi and ldconfig are shell scripts first on PATH,
 * and the instance-metadata service is an HTTP server on loopback (AWS_EC2_METADATA_SERVICE_ENDPOINT,
 * the variable the AWS SDK honours too). This host's own onnxruntime-node runs the CPU session;
 * the clone has no CUDA provider (its `npm ci` runs no install scripts), so GPU hosts here exit 3.
 */

const T4 = 'Tesla T4, 535.104.05, 15360';
const CUDA_LIBS = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10'];

let temp: { dir: string; remove: () => Promise<void> };
let imds: Server;
let imdsUrl: string;
let closedUrl: string;
const imdsRequests: string[] = [];

async function fakeBin(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(temp.dir, name);
  await mkdir(dir, { recursive: true });
  for (const [file, body] of Object.entries(files)) {
    await writeFile(join(dir, file), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, file), 0o755);
  }
  return dir;
}

function ldconfigListing(libs: string[]): string {
  const lines = [`${libs.length} libs found in cache \`/etc/ld.so.cache'`, ...libs.map((l) => `\t${l} (libc6,x86-64) => /usr/local/cuda-12.6/lib64/${l}`)];
  return `cat <<'LIST'\n${lines.join('\n')}\nLIST`;
}

async function doctor(binDir: string | undefined, endpoint: string, ...args: string[]) {
  return runCapturedCli(['doctor', ...args], [registerDoctorCommand], {
    home: join(temp.dir, 'home'),
    cwd: temp.dir,
    env: {
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
      PATH: [binDir, '/usr/bin', '/bin'].filter(Boolean).join(':'),
      HOME: join(temp.dir, 'home'),
      LD_LIBRARY_PATH: '',
      CHROMIUM_PATH: join(temp.dir, 'no-chromium'),
    },
  });
}

/** The line of one check, e.g. `  OK       gpu ...`. */
function line(stdout: string, id: string): string {
  const found = stdout.split('\n').find((l) => new RegExp(`^  \\S+\\s+${id}\\s`).test(l));
  if (!found) throw new Error(`no '${id}' line in:\n${stdout}`);
  return found.trim().replace(/\s+/g, ' ');
}

beforeAll(async () => {
  temp = await makeTempDir('cp-doctor-');
  imds = createServer((req, res) => {
    imdsRequests.push(`${req.method} ${req.url}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('token-1');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'token-1') return res.writeHead(401).end();
    const answers: Record<string, string> = { '/latest/meta-data/instance-type': 'g4dn.xlarge', '/latest/meta-data/placement/region': 'us-east-1' };
    const answer = answers[req.url ?? ''];
    return answer ? res.end(answer) : res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
  // A port that was just free and is now closed: "not on EC2" answers at once (connection refused).
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await new Promise<void>((resolve) => imds.close(() => resolve()));
  await temp.remove();
});

describe('capacity-plan doctor', () => {
  // A clone where someone fetched the CUDA provider would get past this line; the pure cases are in diagnose.test.ts.
  it.skipIf(providerState('cuda').state === 'installed')('GPU with CUDA 12 and cuDNN 9 on EC2, provider not installed: the GPU and libraries are OK, the provider is MISSING with its command, exit 3', async () => {
    const bin = await fakeBin('gpu-cudnn', { 'nvidia-smi': `echo '${T4}'`, ldconfig: ldconfigListing([...CUDA_LIBS, 'libcudnn.so.9']) });
    const { code, stdout, stderr } = await doctor(bin, imdsUrl);
    expect(code).toBe(3);
    expect(stdout.split('\n')[0]).toBe('this host has an NVIDIA GPU but --device cuda would not load: fix the lines marked MISSING (CPU profiling works)');
    expect(line(stdout, 'gpu')).toBe('OK gpu 1 NVIDIA GPU(s): Tesla T4 15 GiB; driver 535.104.05');
    expect(line(stdout, 'cuda-libraries')).toMatch(/^OK cuda-libraries CUDA 12 libraries: \/usr\/local\/cuda-12\.6\/lib64\/libcudart\.so\.12, /);
    expect(line(stdout, 'cudnn')).toBe('OK cudnn cuDNN 9: /usr/local/cuda-12.6/lib64/libcudnn.so.9');
    expect(line(stdout, 'cuda-provider')).toBe("MISSING cuda-provider onnxruntime-node's CUDA 12 provider is not installed");
    expect(stdout).toMatch(/fix: ONNXRUNTIME_NODE_INSTALL=true node \S+\/onnxruntime-node\/script\/install\.js \(downloads it from NuGet\)/);
    expect(line(stdout, 'cuda-session')).toBe('MISSING cuda-session --device cuda: not tried until the lines above are OK');
    expect(line(stdout, 'onnxruntime')).toMatch(/^OK onnxruntime onnxruntime-node \d+\.\d+\.\d+: a CPU session on the tiny model runs$/);
    expect(line(stdout, 'ec2')).toBe('OK ec2 EC2 g4dn.xlarge in us-east-1 (from instance metadata): profiles record the instance type');
    expect(line(stdout, 'chromium')).toMatch(/^INFO chromium no Chromium at /);
    expect(line(stdout, 'aws-credentials')).toBe('INFO aws-credentials no AWS credentials: prices refresh, rightsize against CloudWatch and batch need them');
    expect(stderr).toBe('error: this host cannot profile as it is (fix the lines marked MISSING above, then run `capacity-plan doctor` again)\n');
    expect(imdsRequests).toContain('PUT /latest/api/token');
  });

  it('GPU without cuDNN 9: the cudnn line is MISSING with the apt command, exit 3', async () => {
    const bin = await fakeBin('gpu-no-cudnn', { 'nvidia-smi': `echo '${T4}'`, ldconfig: ldconfigListing(CUDA_LIBS) });
    const { code, stdout } = await doctor(bin, imdsUrl);
    expect(code).toBe(3);
    expect(line(stdout, 'cuda-libraries')).toMatch(/^OK cuda-libraries /);
    expect(line(stdout, 'cudnn')).toBe('MISSING cudnn cuDNN 9: libcudnn.so.9 not found by ldconfig or in $LD_LIBRARY_PATH');
    expect(stdout).toContain('fix: install it (NVIDIA\'s apt repository: sudo apt-get install -y libcudnn9-cuda-12), or add its lib folder to LD_LIBRARY_PATH');
  });

  it('nvidia-smi present but the driver is not loaded: the gpu line is MISSING with its message, exit 0 (CPU still profiles)', async () => {
    const bin = await fakeBin('smi-fails', { 'nvidia-smi': "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9" });
    const { code, stdout } = await doctor(bin, closedUrl);
    expect(code).toBe(0);
    expect(line(stdout, 'gpu')).toBe('MISSING gpu nvidia-smi found but failed: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.');
  });

  it('no GPU, on EC2: CPU profiling, exit 0; the CUDA lines are skipped', async () => {
    const bin = await fakeBin('no-gpu', {});
    const { code, stdout, stderr } = await doctor(bin, imdsUrl);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')[0]).toBe('this host can profile on CPU (--device cpu); it has no NVIDIA GPU for --device cuda');
    expect(line(stdout, 'gpu')).toBe('INFO gpu no NVIDIA GPU (nvidia-smi not found): --device cpu only');
    expect(line(stdout, 'cudnn')).toBe('- cudnn cuDNN 9: not looked for without a GPU');
    expect(line(stdout, 'cuda-session')).toBe('- cuda-session --device cuda: no GPU to try');
    expect(line(stdout, 'ec2')).toMatch(/^OK ec2 EC2 g4dn\.xlarge in us-east-1/);
  });

  it('not on EC2 (nothing answers at the metadata endpoint): the ec2 line says so, exit 0; --json carries the same checks', async () => {
    const bin = await fakeBin('no-gpu-2', {});
    const { code, stdout } = await doctor(bin, closedUrl, '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.canProfile).toBe(true);
    expect(doc.devices).toEqual(['cpu']);
    expect(doc.checks.find((c: { id: string }) => c.id === 'ec2')).toEqual({ id: 'ec2', status: 'info', detail: 'not on EC2 (no instance metadata): pass --instance-type to plan' });
    expect(doc.checks.map((c: { id: string }) => c.id)).toEqual(['node', 'onnxruntime', 'gpu', 'cuda-provider', 'cuda-libraries', 'cudnn', 'cuda-session', 'ec2', 'chromium', 'aws-credentials']);
  });

  it('AWS credentials are named by their source, never shown', async () => {
    const bin = await fakeBin('creds', {});
    const { stdout } = await runCapturedCli(['doctor'], [registerDoctorCommand], {
      home: join(temp.dir, 'home'),
      env: { PATH: `${bin}:/usr/bin:/bin`, AWS_ACCESS_KEY_ID: 'AKIDSECRETVALUE', AWS_SECRET_ACCESS_KEY: 'very-secret', CHROMIUM_PATH: '/nonexistent' },
    });
    expect(line(stdout, 'aws-credentials')).toBe('OK aws-credentials AWS credentials from environment variables (AWS_ACCESS_KEY_ID) (not shown)');
    expect(stdout).not.toContain('AKIDSECRETVALUE');
    expect(stdout).not.toContain('very-secret');
  });
});
