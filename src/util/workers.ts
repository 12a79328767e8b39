import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker from a module next to the caller. Compiled code (dist/*.js) runs directly.
 * Source (*.ts, under vitest or tsx) is started through a tiny bootstrap that registers tsx's
 * loader inside the worker first: workers do not inherit the parent's loaders, and Node 20
 * rejects `--import` in a worker's execArgv.
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const bootstrap = `
    const { register } = await import('tsx/esm/api');
    register();
    await import(${JSON.stringify(moduleUrl.href)});
  `;
  return new Worker(bootstrap, { ...options, eval: true, type: 'module' } as WorkerOptions);
}

/** Resolves `name` (without extension) beside `importMetaUrl`, keeping the caller's extension. */
export function siblingModule(importMetaUrl: string, name: string): URL {
  const ext = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, importMetaUrl);
}
