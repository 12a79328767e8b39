import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake `nvidia-smi`: a Node script named nvidia-smi in a temp dir. It records its arguments and
 * pid, prints the given lines one every intervalMs, then either stays alive until killed (like
 * `nvidia-smi -lms`) or writes stderr and exits with the given code (a failure mid-run).
 */
export interface FakeNvidiaSmiScript {
  lines: string[];
  /** Pause before each line; default 10. */
  intervalMs?: number;
  exit?: { code: number; stderr?: string };
}

export interface FakeNvidiaSmi {
  dir: string;
  /** Absolute path of the executable. */
  command: string;
  /** The arguments it was started with (after it started). */
  args(): Promise<string[]>;
  /** Its pid (after it started). */
  pid(): Promise<number>;
  remove: () => Promise<void>;
}

export async function writeFakeNvidiaSmi(script: FakeNvidiaSmiScript): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-nvidia-smi-'));
  const command = join(dir, 'nvidia-smi');
  const argsFile = join(dir, 'args.json');
  const pidFile = join(dir, 'pid');
  // CommonJS on purpose: a file without extension outside any package.json is loaded as CJS.
  const source = `#!${process.execPath}
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));
const lines = ${JSON.stringify(script.lines)};
const exit = ${JSON.stringify(script.exit ?? null)};
let next = 0;
const timer = setInterval(() => {
  if (next < lines.length) {
    process.stdout.write(lines[next++] + '\\n');
    return;
  }
  clearInterval(timer);
  if (exit) {
    if (exit.stderr) process.stderr.write(exit.stderr);
    process.exitCode = exit.code;
  } else {
    setInterval(() => {}, 1 << 30);
  }
}, ${script.intervalMs ?? 10});
`;
  await writeFile(command, source);
  await chmod(command, 0o755);
  return {
    dir,
    command,
    args: async () => JSON.parse(await readFile(argsFile, 'utf8')) as string[],
    pid: async () => Number(await readFile(pidFile, 'utf8')),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function readFixtureLines(name: string): Promise<string[]> {
  const text = await readFile(new URL(`../../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '');
}

/**
 * Whether a process still runs. A zombie counts as gone: in containers PID 1 may never reap
 * orphans, and a zombie is not running anything.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
