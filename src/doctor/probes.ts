import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { buildTiny } from '../model/tiny.js';
import { cudaProviderInstallCommand, onnxruntimeVersion, providerState } from '../model/providers.js';
import { CUDA_LIBRARIES, CUDNN_LIBRARIES, type DoctorFacts, type GpuFact } from './diagnose.js';

const run = promisify(execFile);

/** The host-facing edge of doctor: every outside call is here, each bounded by a timeout. */
export async function gatherFacts(env: NodeJS.ProcessEnv): Promise<DoctorFacts> {
  const modelBytes = buildTiny({ seed: 1 });
  const nvidiaSmi = await probeNvidiaSmi(env);
  const gpuPresent = nvidiaSmi.found && 'gpus' in nvidiaSmi && nvidiaSmi.gpus.length > 0;
  const cudaProvider = { state: providerState('cuda').state, installCommand: cudaProviderInstallCommand() };
  const libraries = gpuPresent ? await findLibraries([...CUDA_LIBRARIES, ...CUDNN_LIBRARIES], env) : undefined;
  const librariesOk = libraries !== undefined && Object.values(libraries).every((where) => where !== undefined);
  const ec2 = await probeImds(env);
  const chromiumLooked = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return {
    nodeVersion: process.version,
    onnxruntime: { version: safe(onnxruntimeVersion), cpuSession: await trySession(modelBytes, 'cpu') },
    cudaProvider,
    nvidiaSmi,
    ...(libraries ? { libraries } : {}),
    ...(gpuPresent && cudaProvider.state === 'installed' && librariesOk ? { cudaSession: await trySession(modelBytes, 'cuda') } : {}),
    ...(ec2 ? { ec2 } : {}),
    ...(existsSync(chromiumLooked) ? { chromiumPath: chromiumLooked } : {}),
    chromiumLooked,
    ...(awsCredentialSource(env, ec2?.role) ? { awsCredentials: awsCredentialSource(env, ec2?.role)! } : {}),
  };
}

function safe(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** A session on the tiny model, run once on zeros: proves the binding and the provider load. */
async function trySession(model: Uint8Array, device: 'cpu' | 'cuda'): Promise<'ok' | { error: string }> {
  try {
    const ort = (await import('onnxruntime-node')).default;
    const providers = device === 'cpu' ? ['cpu'] : [{ name: 'cuda', deviceId: 0 }];
    const session = await ort.InferenceSession.create(model, { executionProviders: providers });
    try {
      const input = new ort.Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]);
      await session.run({ input });
    } finally {
      await session.release();
    }
    return 'ok';
  } catch (error) {
    return { error: firstLine(error) };
  }
}

async function probeNvidiaSmi(env: NodeJS.ProcessEnv): Promise<DoctorFacts['nvidiaSmi']> {
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'], { env, timeout: 10_000 });
    const gpus: GpuFact[] = stdout
      .split('\n')
      .map((line) => line.split(',').map((f) => f.trim()))
      .filter((fields) => fields[0])
      .map(([name, driver, memory]) => ({
        name: name!,
        ...(driver ? { driverVersion: driver } : {}),
        ...(memory && Number.isFinite(Number(memory)) ? { memoryTotalMiB: Number(memory) } : {}),
      }));
    return { found: true, gpus };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    const stderr = (error as { stderr?: string }).stderr;
    return { found: true, error: firstLine(stderr && stderr.trim() !== '' ? stderr : error) };
  }
}

/** Each soname's path: ldconfig's cache first (what the dynamic loader uses), then $LD_LIBRARY_PATH. */
async function findLibraries(names: readonly string[], env: NodeJS.ProcessEnv): Promise<Record<string, string | undefined>> {
  const cache = new Map<string, string>();
  // Debian keeps ldconfig in /sbin, which a user's PATH may lack.
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig']) {
    try {
      const { stdout } = await run(ldconfig, ['-p'], { env, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 });
      for (const m of stdout.matchAll(/^\s*(\S+)\s+\([^)]*\)\s+=>\s+(\S+)\s*$/gm)) if (!cache.has(m[1]!)) cache.set(m[1]!, m[2]!);
      break;
    } catch {
      // Not there: try the next, then rely on LD_LIBRARY_PATH.
    }
  }
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter((d) => d !== '');
  const found: Record<string, string | undefined> = {};
  for (const name of names) found[name] = cache.get(name) ?? dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  return found;
}

/**
 * EC2 instance metadata (IMDSv2), at the endpoint the AWS SDK honours too
 * (AWS_EC2_METADATA_SERVICE_ENDPOINT; tests point it at loopback). One second per call: off EC2
 * the link-local address does not answer, and doctor must not hang there.
 */
async function probeImds(env: NodeJS.ProcessEnv): Promise<{ instanceType: string; region?: string; role?: string } | undefined> {
  if (env.AWS_EC2_METADATA_DISABLED === 'true') return undefined;
  const base = (env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254').replace(/\/+$/, '');
  try {
    const tokenResponse = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' }, signal: AbortSignal.timeout(1000) });
    if (!tokenResponse.ok) return undefined;
    const token = await tokenResponse.text();
    const get = async (path: string): Promise<string | undefined> => {
      const r = await fetch(`${base}/latest/meta-data/${path}`, { headers: { 'X-aws-ec2-metadata-token': token }, signal: AbortSignal.timeout(1000) });
      return r.ok ? (await r.text()).trim() : undefined;
    };
    const instanceType = await get('instance-type');
    if (!instanceType) return undefined;
    const region = await get('placement/region');
    const role = (await get('iam/security-credentials/'))?.split('\n')[0];
    return { instanceType, ...(region ? { region } : {}), ...(role ? { role } : {}) };
  } catch {
    return undefined;
  }
}

/** The name of the first source the AWS SDK's default chain would use; never a key or a token. */
function awsCredentialSource(env: NodeJS.ProcessEnv, instanceRole: string | undefined): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'environment variables (AWS_ACCESS_KEY_ID)';
  if (env.AWS_PROFILE) return `profile ${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'the container credentials endpoint';
  const home = env.HOME ?? homedir();
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')];
  const file = files.find((f) => existsSync(f));
  if (file) return `the shared file ${file}`;
  if (instanceRole) return `the instance role ${instanceRole}`;
  return undefined;
}
