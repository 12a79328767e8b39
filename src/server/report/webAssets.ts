import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the browser side lives: web/ at the package root (src/server/report and dist/server/report
 * are both three levels down), and chart.js's UMD build in node_modules, never a CDN.
 */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

const require = createRequire(import.meta.url);

export function chartJsPath(): string {
  // chart.js's exports map has no ./package.json; its main entry sits beside the UMD build.
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function packageVersion(name: string): string {
  const pkgPath = name === 'capacity-plan' ? join(WEB_DIR, '..', 'package.json') : join(dirname(require.resolve(name)), '..', 'package.json');
  return (require(pkgPath) as { version: string }).version;
}
