import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * A minimal bundler for web/'s ES modules, so the exported report is one classic script that runs
 * from file:// with the network off. It only accepts the style web/ is written in (and fails loudly
 * on anything else): single-line `import { a, b as c } from './x.js';` at the top, and
 * `export function|async function|const|let|class` declarations. Each module becomes a function
 * scope in dependency order; imports become reads of the modules' export objects.
 */
const IMPORT = /^import \{([^}]*)\} from '(\.{1,2}\/[^']+\.js)';\s*$/;
const EXPORT_DECL = /^export (async function\*?|function\*?|const|let|class) ([A-Za-z_$][\w$]*)/;

export function bundleModules(webDir: string, entry: string): string {
  const order: string[] = [];
  const sources = new Map<string, string>();
  const visiting = new Set<string>();
  const visit = (key: string): void => {
    if (sources.has(key)) return;
    if (visiting.has(key)) throw new Error(`bundle: import cycle through ${key}`);
    visiting.add(key);
    const text = readFileSync(join(webDir, key), 'utf8');
    const out: string[] = [];
    const exported: string[] = [];
    for (const [n, line] of text.split('\n').entries()) {
      const where = `${key}:${n + 1}`;
      const imp = IMPORT.exec(line);
      if (imp) {
        const dep = normalize(join(dirname(key), imp[2]!)).split('\\').join('/');
        if (relative(webDir, join(webDir, dep)).startsWith('..')) throw new Error(`bundle: ${where} imports outside web/`);
        visit(dep);
        const names = imp[1]!.split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.replace(/^(\w+) as (\w+)$/, '$1: $2'));
        out.push(`const { ${names.join(', ')} } = __modules[${JSON.stringify(dep)}];`);
        continue;
      }
      if (/^\s*(import|export)\b/.test(line) || /\bimport\s*\(/.test(line)) {
        const decl = EXPORT_DECL.exec(line);
        if (!decl) throw new Error(`bundle: ${where}: unsupported module syntax: ${line.trim()}`);
        exported.push(decl[2]!);
        out.push(line.slice('export '.length));
        continue;
      }
      out.push(line);
    }
    visiting.delete(key);
    sources.set(key, `__modules[${JSON.stringify(key)}] = (() => {\n${out.join('\n')}\nreturn { ${exported.join(', ')} };\n})();`);
    order.push(key);
  };
  visit(entry);
  return `(() => {\n'use strict';\nconst __modules = {};\n${order.map((k) => sources.get(k)).join('\n')}\n})();\n`;
}
