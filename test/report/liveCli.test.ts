import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../support/repoRoot.js';

/**
 * `profile --serve`: the URL is printed, the page's stream carries the run and ends with the
 * report, and the command exits when the run ends although a client is still connected.
 */
const dir = mkdtempSync(join(tmpdir(), 'cp-live-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profile --serve', () => {
  it('prints the live URL, streams the run to a connected client, ends with the report and exits', async () => {
    const child = spawn(
      process.execPath,
      [BUILT_CLI, 'profile', '--model', 'tiny', '--duration', '3', '--serve', '--serve-port', '0', '--quiet', '--out', join(dir, 'r.json')],
      { cwd: process.cwd(), env: { ...process.env, CAPACITY_PLAN_HOME: join(dir, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /^live: (http:\/\/127\.0\.0\.1:\d+\/live\/([\w-]+))$/m.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before printing the URL: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A client that never disconnects on its own.
    const res = await fetch(url.replace('/live/', '/api/runs/') + '/events');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    // A liveness bound, not a timing: a CLI held open by the client would fail here.
    let bound: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((resolve) => (bound = setTimeout(() => resolve('still running after 60 s'), 60_000)))]);
    clearTimeout(bound);
    expect(code, stderr).toBe(0);
    const types = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(types[0]).toBe('hello');
    expect(types).toContain('window');
    expect(types.at(-1)).toBe('report');
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const report = JSON.parse(/event: report\ndata: (.*)\n/.exec(text)![1]!) as { documents: { id: string; document: { kind: string } }[] };
    expect(report.documents.map((d) => [d.id, d.document.kind])).toEqual([['r', 'profile-result']]);
  }, 120_000);
});
