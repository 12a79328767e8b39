import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/repoRoot.js';

/**
 * The layering docs/ARCHITECTURE.md describes, checked on every test run: a pure core (no I/O),
 * the profiler and the serving pipeline independent of the HTTP server, and no import cycles.
 * To make a new folder pure (say src/rightsize/), add its prefix to the first rule's `from`.
 */

/** Modules that reach the outside world: files, sockets, processes, native inference, images, AWS. */
const IO_MODULES = ['node:fs', 'fs', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:child_process', 'child_process', 'onnxruntime-node', 'sharp', 'express', '@aws-sdk/'];

interface ImportRule {
  name: string;
  /** Repo-relative path prefixes (a folder with a trailing slash, or one file) the rule applies to. */
  from: string[];
  /** Files under `from` the rule leaves alone: documented edges. */
  except?: string[];
  /** Import targets refused: bare module names (a name also covers its subpaths, `node:fs/promises`) or repo-relative path prefixes. */
  forbid: string[];
}

const RULES: ImportRule[] = [
  {
    name: 'pure core: no I/O',
    from: ['src/schema/', 'src/plan/', 'src/profile/core/', 'src/sweep/search.ts', 'src/sweep/repeats.ts', 'src/sweep/rateEvidence.ts', 'src/sweep/capacityFit.ts', 'src/sweep/capacitySearch.ts', 'src/sweep/interference.ts', 'src/rightsize/', 'src/batch/', 'src/util/stats/', 'src/verify/trials.ts', 'src/whatif/'],
    // The documented edges: plan reads the documents a plan is made from; the watcher talks to
    // CloudWatch; batch talks to S3, Batch and Service Quotas.
    except: ['src/plan/readPlanDocument.ts', 'src/rightsize/cloudWatch.ts', 'src/batch/aws.ts', 'src/whatif/sweepVariants.ts'],
    forbid: IO_MODULES,
  },
  {
    name: 'the profiler and the serving pipeline do not depend on the server',
    from: ['src/profile/', 'src/serving/'],
    forbid: ['src/server/'],
  },
];

interface Import {
  /** Repo-relative path of the importing file. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** Repo-relative path of a relative import's target file; the specifier for a package. */
  target: string;
}

// Static imports and re-exports (also `import type`, which is counted: a type-only cycle still
// ties two files' designs together), side-effect imports, and dynamic import().
const FROM = /^[ \t]*(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const toRepoPath = (root: string, path: string): string => relative(root, path).split(sep).join('/');

/** A relative specifier as NodeNext resolves it from source: `./x.js` is ./x.ts. */
function resolveRelative(root: string, fromFile: string, specifier: string): string {
  const base = resolve(root, dirname(fromFile), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return toRepoPath(root, candidates.find((path) => existsSync(path) && path.endsWith('.ts')) ?? base);
}

/** Every import of every .ts file under root/src. */
function scanImports(root: string): Import[] {
  return tsFiles(join(root, 'src')).flatMap((path) => {
    const file = toRepoPath(root, path);
    const text = readFileSync(path, 'utf8');
    const specifiers = [FROM, BARE, DYNAMIC].flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
    return [...new Set(specifiers)].map((specifier) => ({
      file,
      specifier,
      target: specifier.startsWith('.') ? resolveRelative(root, file, specifier) : specifier,
    }));
  });
}

const under = (path: string, prefixes: string[]): boolean => prefixes.some((prefix) => path === prefix || (prefix.endsWith('/') && path.startsWith(prefix)));
const isModule = (target: string, names: string[]): boolean => names.some((name) => (name.endsWith('/') ? target.startsWith(name) : target === name || target.startsWith(`${name}/`)));

function ruleViolations(imports: Import[], rules: ImportRule[]): string[] {
  return rules.flatMap((rule) =>
    imports
      .filter((i) => under(i.file, rule.from) && !under(i.file, rule.except ?? []))
      .filter((i) => isModule(i.target, rule.forbid) || under(i.target, rule.forbid))
      .map((i) => `${rule.name}: ${i.file} imports '${i.specifier}'`),
  );
}

/** Import cycles among src files (Tarjan's strongly connected components), each as `a -> b -> a`. */
function importCycles(imports: Import[]): string[] {
  const edges = new Map<string, string[]>();
  for (const i of imports) {
    if (!i.target.startsWith('src/')) continue;
    edges.set(i.file, [...(edges.get(i.file) ?? []), i.target]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(`${[...component.reverse(), component[0]].join(' -> ')}`);
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('architecture of src/', () => {
  const imports = scanImports(REPO_ROOT);

  it('finds the imports (a broken scanner would pass every rule)', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ file: 'src/cli/main.ts', specifier: './program.js', target: 'src/cli/program.ts' });
  });

  it('keeps every rule', () => {
    expect(ruleViolations(imports, RULES)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(importCycles(imports)).toEqual([]);
  });
});

describe('the architecture checker', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-architecture-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('src/schema/a.ts', "import { readFileSync } from 'node:fs/promises';\nimport type { B } from './b.js';\nexport const a = 1;\n");
  write('src/schema/b.ts', "export type B = number;\nexport async function load() {\n  return import('@aws-sdk/client-pricing');\n}\n");
  write('src/plan/edge.ts', "import { readFile } from 'node:fs';\n");
  write('src/plan/pure.ts', "import {\n  a,\n} from '../schema/a.js';\nimport '../profile/x.js';\n");
  write('src/profile/x.ts', "export { y } from '../server/y.js';\n");
  write('src/server/y.ts', "import { a } from '../plan/pure.js';\nexport const y = a;\n");
  write('src/server/self.ts', "import './self.js';\n");
  const imports = scanImports(root);
  const rules: ImportRule[] = [
    { name: 'pure', from: ['src/schema/', 'src/plan/'], except: ['src/plan/edge.ts'], forbid: IO_MODULES },
    { name: 'no server', from: ['src/profile/'], forbid: ['src/server/'] },
  ];

  it('reads static, multi-line, side-effect, re-export and dynamic imports', () => {
    expect(imports.map((i) => `${i.file} ${i.target}`).sort()).toEqual([
      'src/plan/edge.ts node:fs',
      'src/plan/pure.ts src/profile/x.ts',
      'src/plan/pure.ts src/schema/a.ts',
      'src/profile/x.ts src/server/y.ts',
      'src/schema/a.ts node:fs/promises',
      'src/schema/a.ts src/schema/b.ts',
      'src/schema/b.ts @aws-sdk/client-pricing',
      'src/server/self.ts src/server/self.ts',
      'src/server/y.ts src/plan/pure.ts',
    ]);
  });

  it('reports a forbidden import, outside the excepted edge file', () => {
    expect(ruleViolations(imports, rules)).toEqual([
      "pure: src/schema/a.ts imports 'node:fs/promises'",
      "pure: src/schema/b.ts imports '@aws-sdk/client-pricing'",
      "no server: src/profile/x.ts imports '../server/y.js'",
    ]);
  });

  it('reports each cycle once, a self-import included', () => {
    expect(importCycles(imports)).toEqual(['src/plan/pure.ts -> src/profile/x.ts -> src/server/y.ts -> src/plan/pure.ts', 'src/server/self.ts -> src/server/self.ts']);
  });
});
