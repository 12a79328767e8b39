import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgentCommand } from '../../src/cli/agent.js';
import { runCli } from '../../src/cli/program.js';
import { fetchJson, photoJpeg, postImage } from '../support/agentHarness.js';
import { captureRuntime, type CapturedRuntime } from '../support/cliRuntime.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let jpeg: Buffer;
beforeAll(async () => {
  temp = await makeTempDir('cp-agent-cli-');
  jpeg = await photoJpeg(3);
});
afterAll(async () => {
  await temp?.remove();
});

const fakeRuntime = (signal: AbortSignal): CapturedRuntime => captureRuntime({ home: temp.dir, cwd: temp.dir, signal });

describe('capacity-plan agent (in process)', () => {
  it('prints one listening line, serves, and returns 0 when the signal aborts', async () => {
    const controller = new AbortController();
    const rt = fakeRuntime(controller.signal);
    const exit = runCli(['agent', '--model', 'tiny', '--port', '0', '--batching', 'triton', '--max-batch-size', '4'], rt, [registerAgentCommand]);
    for (let i = 0; i < 1000 && !LISTENING.test(rt.out().trim()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = LISTENING.exec(rt.out().trim())?.[1];
    expect(url, rt.err()).toBeDefined();
    const info = await fetchJson(`${url}/v1/info`);
    // The spec flags shape what is served.
    expect(info.body.spec.batching).toMatchObject({ policy: 'triton', maxBatchSize: 4 });
    expect((await postImage(`${url}/v1/infer`, 'image/jpeg', jpeg)).status).toBe(200);
    controller.abort();
    expect(await exit).toBe(0);
    expect(rt.out().trim().split('\n')).toHaveLength(1);
    expect(rt.err()).toMatch(/agent: stopped/);
  });

  it.each([
    [['--max-pixels', '200000000'], /--max-pixels must be at most 100000000/],
    [['--port', '70000'], /--port must be at most 65535/],
    [['--timeout-ms', '0'], /--timeout-ms must be a whole number above zero/],
    [['--preset', 'no-such-preset'], /unknown preset 'no-such-preset'/],
  ])('usage errors exit 2 before serving: %j', async (flags, message) => {
    const rt = fakeRuntime(new AbortController().signal);
    expect(await runCli(['agent', '--model', 'tiny', '--port', '0', ...flags], rt, [registerAgentCommand])).toBe(2);
    expect(rt.err()).toMatch(message);
    expect(rt.out()).toBe('');
  });
});

describe('capacity-plan agent (a real process)', () => {
  it('node src/cli/main.ts agent --model tiny --port 0: listening line on stdout, serves, SIGTERM → exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agent', '--model', 'tiny', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CAPACITY_PLAN_HOME: temp.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const lines: string[] = [];
    const stdout = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      stdout.on('line', (line) => {
        lines.push(line);
        const match = LISTENING.exec(line);
        if (match) resolve(match[1]!);
      });
      void exited.then(({ code }) => reject(new Error(`agent exited (${code}) before listening: ${stderr}`)));
    });
    try {
      expect((await fetchJson(`${url}/healthz`)).status).toBe(200);
      const response = await postImage(`${url}/v1/infer`, 'image/jpeg', jpeg);
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(lines).toEqual([`listening on ${url}`]);
    expect(stderr).toMatch(/agent: shutting down/);
    expect(stderr).toMatch(/agent: stopped/);
  });
});
