import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';
import { fetchJson } from '../../support/agentHarness.js';
import { REPO_ROOT } from '../../support/repoRoot.js';
import { makeTempDir } from '../../support/tempDir.js';

/**
 * The agent as `profile --transport http` starts it: the internal --spec-json (the resolved spec,
 * served as is) and --exit-with-stdin (the agent goes when the profiler that started it goes).
 */
let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir('cp-agent-child-');
});
afterAll(async () => {
  await temp?.remove();
});

describe('agent --spec-json --exit-with-stdin', () => {
  it('serves exactly the spec in the file, and shuts down gracefully when stdin closes', async () => {
    const spec = ProfileSpec.parse({ name: 'from-json', model: { source: 'tiny' }, batching: { policy: 'torchserve', batchSize: 3, maxBatchDelayMs: 5 } });
    const specFile = join(temp.dir, 'spec.json');
    await writeFile(specFile, JSON.stringify(spec));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agent', '--spec-json', specFile, '--exit-with-stdin', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CAPACITY_PLAN_HOME: temp.dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /^listening on (\S+)$/.exec(line);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`agent exited (${code}) before listening: ${stderr}`)));
    });
    try {
      const info = await fetchJson(`${url}/v1/info`);
      expect(info.body.spec).toMatchObject({ name: 'from-json', batching: { policy: 'torchserve', batchSize: 3, maxBatchDelayMs: 5 } });
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/agent: stopped/);
  });
});
