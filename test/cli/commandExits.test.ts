import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli, type Register } from '../../src/cli/program.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { priceCachePath } from '../../src/pricing/cache.js';
import { ExitCode } from '../../src/util/errors.js';
import { stubFakeCredentials, stubNoCredentials } from '../support/awsEnv.js';
import { captureRuntime, cliSandbox, type CliRun, type CliSandbox } from '../support/cliRuntime.js';
import { startFakePricingServer } from '../support/fakePricingServer.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { sweepDoc } from '../support/sweepV3.js';
import { passingTrials } from '../support/verifyTrials.js';

/**
 * Each command's exit codes, produced: for every command an unknown flag and a bad value (2), and
 * each other code in its --help's table that is cheap to produce here (no long measurement, no AWS:
 * AWS calls fail before leaving the process, or reach a fake). Each case asserts the code and the
 * one-line message. A code not produced here says where it is, or why not, in a comment.
 */

let box: CliSandbox;
beforeAll(async () => {
  box = await cliSandbox(COMMANDS, 'cp-cli-exits-');
  await writeFile(join(box.cwd, 'sweep.json'), JSON.stringify(sweepDoc([[50, 40, true], [100, 90, true], [200, 400, false]])));
  await writeFile(join(box.cwd, 'batch-spec.yaml'), "command: sweep\nargs: ['--sla', 'p95<=100ms']\n");
});
afterAll(async () => {
  await box.cleanup();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const aborted = (): AbortSignal => AbortSignal.abort();

/** The run's exit code and its one error line (progress lines `[name] ...` before it allowed). */
async function fails(argv: string[], code: number, message: RegExp, options: Parameters<CliSandbox['run']>[1] = {}): Promise<CliRun> {
  const run = await box.run(argv, options);
  expect(run.code, `${argv.join(' ')}\n${run.stderr}`).toBe(code);
  expect(expectOneLineError(run.stderr)).toMatch(message);
  return run;
}

/** A port something already listens on. */
async function takenPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const taken = await takenPort();
  await taken.close();
  return taken.port;
}

/** An HTTP server answering every request with `status` and a JSON error; it records the headers. */
async function failingServer(status: number): Promise<{ url: string; headers: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createHttpServer((req, res) => {
    headers.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no such model' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, headers, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('plan', () => {
  it('2: an unknown flag, a bad value, no --sla', async () => {
    await fails(['plan', 'sweep.json', '--sla', 'p95<=100ms', '--frobnicate'], ExitCode.usage, /^error: unknown option '--frobnicate' \(run with --help for usage\)$/);
    await fails(['plan', 'sweep.json', '--utilization', '2'], ExitCode.usage, /^error: --utilization '2' must be a fraction in \(0, 1\], e\.g\. 0\.8$/);
    await fails(['plan', 'sweep.json', '--peak-rps', '10'], ExitCode.usage, /^error: --sla is required \(e\.g\. --sla/);
  });

  it('3: a document that is not there', async () => {
    await fails(['plan', 'missing.json', '--sla', 'p95<=100ms', '--peak-rps', '10'], ExitCode.input, /^error: .*missing\.json/);
  });

  it('5: no candidate meets the SLA', async () => {
    await fails(['plan', 'sweep.json', '--sla', 'p95<=1ms', '--peak-rps', '10'], ExitCode.measurement, /^error: no candidate meets p95<=1ms: the closest, .* misses by/);
  });
});

describe('prices', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['prices', '--frobnicate'], ExitCode.usage, /^error: unknown option '--frobnicate'/);
    await fails(['prices', '--platform', 'azure'], ExitCode.usage, /^error: --platform must be one of ec2, sagemaker, got 'azure'$/);
  });

  it('3: a local price cache that is not a price cache', async () => {
    const dir = join(box.dir, 'bad-cache-home');
    await mkdir(dirname(priceCachePath(dir)), { recursive: true });
    await writeFile(priceCachePath(dir), 'not json');
    // A home of its own: the sandbox's is shared with the other cases.
    const rt = captureRuntime({ home: dir, cwd: box.cwd });
    expect(await runCli(['prices'], rt, COMMANDS), rt.err()).toBe(ExitCode.input);
    expect(expectOneLineError(rt.err())).toMatch(/^error: price cache '.*' is not valid JSON/);
  });
});

describe('prices refresh', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['prices', 'refresh', '--frobnicate'], ExitCode.usage, /^error: unknown option '--frobnicate'/);
    await fails(['prices', 'refresh', '--region', 'nowhere'], ExitCode.usage, /^error: --region 'nowhere' is not an AWS region code \(e\.g\. --region us-east-1\)$/);
  });

  it('4: no AWS credentials', async () => {
    stubNoCredentials();
    const run = await box.run(['prices', 'refresh', '--instance-types', 'g5.xlarge'], { env: { AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9' } });
    expect(run.code).toBe(ExitCode.environment);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: no AWS credentials for the Price List API/);
  });

  it('6: the Price List API answers with an error', async () => {
    stubFakeCredentials();
    const server = await startFakePricingServer({ pages: {}, alwaysFail: { type: 'AccessDeniedException', status: 400, message: 'not allowed' } });
    try {
      const run = await box.run(['prices', 'refresh', '--instance-types', 'g5.xlarge'], { env: { AWS_ENDPOINT_URL_PRICING: server.url } });
      expect(run.code).toBe(ExitCode.remote);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: the Price List API at .* answered AccessDeniedException \(HTTP 400\)/);
    } finally {
      await server.close();
    }
  });

  it('130: Ctrl-C during the call', async () => {
    stubFakeCredentials();
    const run = await box.run(['prices', 'refresh', '--instance-types', 'g5.xlarge'], { env: { AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9' }, signal: aborted() });
    expect(run.code).toBe(ExitCode.interrupted);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('error: interrupted');
  });
  // 3 (an invalid local cache) is the read `prices` makes, above.
});

describe('profile', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['profile', '--duraton', '3'], ExitCode.usage, /^error: unknown option '--duraton' \(did you mean --duration\?\)$/);
    await fails(['profile', '--duration', '0'], ExitCode.usage, /^error: --duration must be a number above zero, got '0'$/);
  });

  it('3: a model that is not there', async () => {
    await fails(['profile', '--model', '/nonexistent.onnx'], ExitCode.input, /^error: model file '\/nonexistent\.onnx' not found/);
  });

  it('4: a --target nothing answers at', async () => {
    await fails(['profile', '--target', `http://127.0.0.1:${await closedPort()}`], ExitCode.environment, /^error: cannot reach --target http:\/\/127\.0\.0\.1:\d+: connection refused/);
  });

  it('6: a --target that answers with an error; it gets $CAPACITY_PLAN_TOKEN (--token\'s default)', async () => {
    const server = await failingServer(404);
    try {
      await fails(['profile', '--target', server.url, '--protocol', 'kserve-v2', '--model-name', 'm'], ExitCode.remote, /^error: the target answered GET \/v2\/models\/m with HTTP 404: no such model/, {
        env: { CAPACITY_PLAN_TOKEN: 'from-env' },
      });
      expect(server.headers.map((h) => h.authorization)).toContain('Bearer from-env');
    } finally {
      await server.close();
    }
  });

  it('130: Ctrl-C: no document written', async () => {
    await fails(['profile', '--model', 'tiny'], ExitCode.interrupted, /^error: profile interrupted: no document written$/, { signal: aborted() });
  });
  // 5 (no request succeeded, more than 1% failed, no window in --duration) needs a measured run:
  // test/cli/profile.test.ts and test/profile/.
});

describe('demo', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['demo', '--whatif-budgt', '3'], ExitCode.usage, /^error: unknown option '--whatif-budgt' \(did you mean --whatif-budget\?\)$/);
    await fails(['demo', '--sla', 'p95<100'], ExitCode.usage, /^error: --sla/);
    await fails(['demo', '--duration', '0'], ExitCode.usage, /^error: --duration must be a number above zero, got '0'$/);
  });

  it('3: a model that is not there', async () => {
    await fails(['demo', '--model', '/nonexistent.onnx'], ExitCode.input, /^error: model file '\/nonexistent\.onnx' not found/);
  });

  it('130: Ctrl-C', async () => {
    await fails(['demo', '--model', 'tiny'], ExitCode.interrupted, /^error: profile interrupted: no document written$/, { signal: aborted() });
  });
  // 4 (an execution provider this host lacks) depends on the host; 5 needs measured runs.
});

describe('model build', () => {
  it('2: an unknown flag, a bad value, no --out', async () => {
    await fails(['model', 'build', 'tiny', '--out', 'x.onnx', '--sed', '1'], ExitCode.usage, /^error: unknown option '--sed' \(did you mean --seed\?\)$/);
    await fails(['model', 'build', 'tiny', '--out', 'x.onnx', '--seed', '-1'], ExitCode.usage, /^error: --seed '-1' is not a whole number from 0 to 4294967295 \(e\.g\. --seed 1\)$/);
    await fails(['model', 'build', 'tiny'], ExitCode.usage, /^error: --out is required \(e\.g\. capacity-plan model build tiny --out tiny\.onnx\)$/);
  });
});

describe('sweep', () => {
  it('2: an unknown flag, a bad value, no --sla', async () => {
    await fails(['sweep', '--sla', 'p95<=100ms', '--budjet', '1m'], ExitCode.usage, /^error: unknown option '--budjet' \(did you mean --budget\?\)$/);
    await fails(['sweep', '--sla', 'p95<=100ms', '--budget', '0'], ExitCode.usage, /^error: --budget must be a span above zero/);
    await fails(['sweep', '--model', 'tiny'], ExitCode.usage, /^error: --sla is required/);
  });

  it('3: a model that is not there', async () => {
    await fails(['sweep', '--sla', 'p95<=100ms', '--model', '/nonexistent.onnx', '--quiet'], ExitCode.input, /^error: model file '\/nonexistent\.onnx' not found/);
  });

  it('4: a --target nothing answers at', async () => {
    await fails(['sweep', '--sla', 'p95<=100ms', '--target', `http://127.0.0.1:${await closedPort()}`, '--quiet'], ExitCode.environment, /^error: cannot reach --target/);
  });

  it('130: Ctrl-C: the checkpoint is kept, the same command resumes', async () => {
    await fails(['sweep', '--sla', 'p95<=100ms', '--model', 'tiny', '--quiet'], ExitCode.interrupted, /^error: sweep interrupted: 0 finished point\(s\) kept in .*; to resume, run the same command again/, { signal: aborted() });
  });
  // 5 (no configuration met the SLA) and 6 (a --target answering errors mid-run) need measured runs: test/cli/sweep*.test.ts.
});

describe('agent', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['agent', '--prot', '1'], ExitCode.usage, /^error: unknown option '--prot' \(did you mean --port\?\)$/);
    await fails(['agent', '--port', '70000'], ExitCode.usage, /^error: --port must be at most 65535, got '70000'$/);
  });

  it('3: a --spec-json that is not there', async () => {
    await fails(['agent', '--spec-json', '/nonexistent.json'], ExitCode.input, /^error: cannot read --spec-json \/nonexistent\.json/);
  });

  it('4: a port that is taken', async () => {
    const taken = await takenPort();
    try {
      const run = await box.run(['agent', '--model', 'tiny', '--port', String(taken.port)]);
      expect(run.code).toBe(ExitCode.environment);
      // The agent's own log lines ('agent: ...') come first.
      const lines = run.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('agent: '));
      expect(expectOneLineError(lines.join('\n'))).toMatch(new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${taken.port}: the address is in use`));
    } finally {
      await taken.close();
    }
  });
  // 0 on SIGTERM: test/cli/agent.test.ts; 130 is a second signal during shutdown (main.ts's process.exit).
});

describe('verify', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['verify', 'plan.json', '--trails', '3'], ExitCode.usage, /^error: unknown option '--trails' \(did you mean --trials\?\)$/);
    await fails(['verify', 'plan.json', '--trials', '0'], ExitCode.usage, /^error: --trials must be a whole number above zero, got '0'$/);
  });

  it('3: a plan that is not there', async () => {
    await fails(['verify', 'missing-plan.json'], ExitCode.input, /^error: cannot read plan '.*missing-plan\.json'/);
  });

  it('5: the pooled trials miss the SLA (trials by a fake runner)', async () => {
    expect((await box.run(['plan', 'sweep.json', '--peak-rps', '300', '--sla', 'p95<=100ms', '--out', 'plan.json'])).code).toBe(ExitCode.ok);
    const register: Register = (program, rt) => {
      program.command('verify').argument('<plan>').action(async (path: string) => void (await verifyCommand(path, { quiet: true, out: 'v.json' }, rt, passingTrials([], 400))));
    };
    const rt = captureRuntime({ home: box.home, cwd: box.cwd });
    expect(await runCli(['verify', 'plan.json'], rt, [register])).toBe(ExitCode.measurement);
    expect(expectOneLineError(rt.err())).toMatch(/^error: .* misses p95<=100ms: /);
  });
  // 4, 6 and 130 come from the trials' runs (an execution provider, a --target, Ctrl-C), as profile's do.
});

describe('serve', () => {
  it('2: an unknown flag, a bad value', async () => {
    await fails(['serve', '--hots', '0.0.0.0'], ExitCode.usage, /^error: unknown option '--hots' \(did you mean --host\?\)$/);
    await fails(['serve', '--port', 'http'], ExitCode.usage, /^error: --port must be a whole number >= 0, got 'http'$/);
  });

  it('3: a path that is not there', async () => {
    await fails(['serve', 'missing-dir'], ExitCode.input, /^error: cannot read 'missing-dir': no such file or directory/);
  });

  it('4: a port that is taken', async () => {
    const taken = await takenPort();
    try {
      await fails(['serve', 'sweep.json', '--port', String(taken.port)], ExitCode.environment, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${taken.port}: EADDRINUSE \\(pick another --port`));
    } finally {
      await taken.close();
    }
  });
  // 0 on Ctrl-C: test/report/; 130 is a second Ctrl-C (main.ts's process.exit).
});

describe('report', () => {
  it('2: an unknown flag, a bad value, no --out', async () => {
    await fails(['report', 'sweep.json', '--ot', 'r.html'], ExitCode.usage, /^error: unknown option '--ot' \(did you mean --out\?\)$/);
    await fails(['report', 'sweep.json', '--out', 'r.html', '--sla', 'fast'], ExitCode.usage, /^error: --sla 'fast'/);
    await fails(['report', 'sweep.json'], ExitCode.usage, /^error: --out is required \(e\.g\. --out report\.html\)$/);
  });

  it('3: a path that is not there', async () => {
    await fails(['report', 'missing.json', '--out', 'r.html'], ExitCode.input, /^error: cannot read 'missing\.json': no such file or directory/);
  });
});

describe('rightsize', () => {
  const FLEET = 'builtin:defect-classifier-fleet';
  const METRICS = 'builtin:defect-classifier-metrics';

  it('2: an unknown flag, a bad value, no --fleet', async () => {
    await fails(['rightsize', '--fleet', FLEET, '--lookbak', '1d'], ExitCode.usage, /^error: unknown option '--lookbak' \(did you mean --lookback\?\)$/);
    await fails(['rightsize', '--fleet', FLEET, '--lookback', '30d'], ExitCode.usage, /^error: --lookback '30d' must be between 1h and 15d, e\.g\. 14d or 36h \(CloudWatch keeps 1-minute data for 15 days\)$/);
    await fails(['rightsize', '--fleet', FLEET, '--peak', 'p50'], ExitCode.usage, /^error: --peak must be one of max, p99, got 'p50'$/);
    await fails(['rightsize'], ExitCode.usage, /^error: --fleet is required/);
  });

  it('3: a fleet file that is not there', async () => {
    await fails(['rightsize', '--fleet', 'missing-fleet.yaml', '--metrics-from', METRICS], ExitCode.input, /^error: cannot read fleet 'missing-fleet\.yaml'/);
  });

  it('4: no AWS credentials', async () => {
    stubNoCredentials();
    await fails(['rightsize', '--fleet', FLEET], ExitCode.environment, /^error: no AWS credentials for CloudWatch/, { env: { AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9' } });
  });

  it('5: --fail-on matched a finding', async () => {
    await fails(['rightsize', '--fleet', FLEET, '--metrics-from', METRICS, '--fail-on', 'OVER_PROVISIONED'], ExitCode.measurement, /^error: rightsize found OVER_PROVISIONED \(--fail-on\)/);
  });

  it('130: Ctrl-C while CloudWatch is read', async () => {
    stubFakeCredentials();
    await fails(['rightsize', '--fleet', FLEET], ExitCode.interrupted, /^error: interrupted$/, { env: { AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9' }, signal: aborted() });
  });
  // 6 (CloudWatch answering an error): test/rightsize/cloudWatch.test.ts against a fake CloudWatch.
});

describe('batch', () => {
  const S3 = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

  it('submit 2: an unknown flag, a missing flag', async () => {
    await fails(['batch', 'submit', '--bukket', 'b'], ExitCode.usage, /^error: unknown option '--bukket' \(did you mean --bucket\?\)$/);
    await fails(['batch', 'submit', '--spec', 'batch-spec.yaml', '--bucket', 'b'], ExitCode.usage, /^error: --instance-types is required/);
  });

  it('submit 3: a --spec that is not there, before any AWS call', async () => {
    await fails(['batch', 'submit', '--instance-types', 'g5.xlarge', '--spec', 'missing.yaml', '--bucket', 'b'], ExitCode.input, /^error: cannot read spec 'missing\.yaml'/);
  });

  it('submit 4: no AWS credentials', async () => {
    stubNoCredentials();
    await fails(['batch', 'submit', '--instance-types', 'g5.xlarge', '--spec', 'batch-spec.yaml', '--bucket', 'b'], ExitCode.environment, /^error: no AWS credentials/, { env: S3 });
  });

  it('status 2: a bad run id; 130: Ctrl-C during the call', async () => {
    await fails(['batch', 'status', 'bad/run', '--bucket', 'b'], ExitCode.usage, /^error: run id 'bad\/run' must be letters/);
    stubFakeCredentials();
    await fails(['batch', 'status', 'run-1', '--bucket', 'b'], ExitCode.interrupted, /^error: interrupted$/, { env: S3, signal: aborted() });
  });

  it('collect 2: no --out; 130: Ctrl-C during the call', async () => {
    await fails(['batch', 'collect', 'run-1', '--bucket', 'b'], ExitCode.usage, /^error: --out is required/);
    stubFakeCredentials();
    await fails(['batch', 'collect', 'run-1', '--bucket', 'b', '--out', 'got'], ExitCode.interrupted, /^error: interrupted$/, { env: S3, signal: aborted() });
  });
  // 3 from S3 (no such run, no documents), the quota's 4 and 6: test/cli/batch.test.ts against local S3 and fakes.
});

describe('examples, doctor, whatif', () => {
  it('examples: 0, and 2 on an unknown flag (it takes no values)', async () => {
    expect((await box.run(['examples'])).code).toBe(ExitCode.ok);
    await fails(['examples', '--jsn'], ExitCode.usage, /^error: unknown option '--jsn' \(did you mean --json\?\)$/);
  });

  it('doctor: 2 on an unknown flag (it takes no values)', async () => {
    await fails(['doctor', '--jsn'], ExitCode.usage, /^error: unknown option '--jsn' \(did you mean --json\?\)$/);
  });
  // doctor's 0 and 3 depend on the host: test/doctor/doctor.test.ts fakes nvidia-smi, ldconfig and IMDS.

  it('whatif 2: an unknown flag, a bad value, no --sla', async () => {
    await fails(['whatif', '--sla', 'p95<=100ms', '--pth', 'ends'], ExitCode.usage, /^error: unknown option '--pth' \(did you mean --path\?\)$/);
    await fails(['whatif', '--sla', 'p95<=100ms', '--path', 'some'], ExitCode.usage, /^error: --path must be one of full, ends, got 'some'$/);
    await fails(['whatif', '--peak-rps', '10'], ExitCode.usage, /^error: --sla is required/);
  });

  it('whatif 3: a profile document that is not there', async () => {
    await fails(['whatif', 'missing.json', '--sla', 'p95<=100ms', '--peak-rps', '10'], ExitCode.input, /^error: cannot read .*missing\.json/);
  });

  it('whatif 130: Ctrl-C: the finished runs are kept in the checkpoint', async () => {
    await fails(['whatif', '--sla', 'p95<=100ms', '--peak-rps', '10', '--model', 'tiny', '--quiet'], ExitCode.interrupted, /^error: sweep interrupted: 0 finished point\(s\) kept in /, { signal: aborted() });
  });
  // whatif's 4 (an execution provider) depends on the host; 5 needs measured runs.
});
