import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/repoRoot.js';

/**
 * The layering docs/ARCHITECTURE.md describes, checked on every test run over src/, web/ and infra/:
 * a pure core (no I/O, no ambient clock, timers, network or environment, checked through everything
 * it imports), the documented directions between folders (util at the bottom; the server, the
 * profiler and the serving pipeline apart; web/ through the schema's types only), and no import
 * cycles. A rule whose path matches no file fails the test instead of switching off. To make a new
 * folder pure (say src/rightsize/), add its prefix to the first rule's `from`.
 */

/** Modules that reach the outside world: files, sockets, processes, threads, the host, native inference, images, AWS, metrics. */
const IO_MODULES = [
  'node:fs', 'fs', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:child_process', 'child_process',
  'node:worker_threads', 'worker_threads', 'node:os', 'os', 'undici', 'prom-client', 'onnxruntime-node', 'sharp', 'express', '@aws-sdk/',
];

/** Ambient I/O a module can reach without importing anything: the network, the environment, the wall clock, timers. */
const IO_GLOBALS: { name: string; pattern: RegExp }[] = [
  { name: 'fetch', pattern: /(?:(?<![\w$.])|(?<=globalThis\.))fetch\s*\(/ },
  { name: 'process.env', pattern: /(?<![\w$.])process\.env\b/ },
  { name: 'Date.now', pattern: /(?<![\w$.])Date\.now\s*\(/ },
  { name: 'setTimeout', pattern: /(?:(?<![\w$.])|(?<=globalThis\.))set(?:Timeout|Interval)\s*\(/ },
];

/** The top-level folders under src/ (read from disk, so a new folder is covered by the rules built from it). */
const srcFolders = (root: string): string[] =>
  readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `src/${e.name}/`);

interface ImportRule {
  name: string;
  /** Repo-relative path prefixes (a folder with a trailing slash, or one file) the rule applies to. */
  from: string[];
  /** Files under `from` the rule leaves alone: documented edges. */
  except?: string[];
  /** Import targets refused: bare module names (a name also covers its subpaths, `node:fs/promises`) or repo-relative path prefixes. */
  forbid: string[];
  /** Targets under `forbid` still allowed: documented edges (`type`: only by `import type`). */
  allow?: { to: string[]; typeOnly?: boolean }[];
  /** Also check everything the files reach through relative imports, and the globals in IO_GLOBALS. */
  transitive?: boolean;
}

const PURE: string[] = [
  'src/schema/', 'src/plan/', 'src/profile/core/', 'src/sweep/search.ts', 'src/sweep/repeats.ts', 'src/sweep/rateEvidence.ts', 'src/sweep/capacityFit.ts',
  'src/sweep/capacitySearch.ts', 'src/sweep/interference.ts', 'src/rightsize/', 'src/batch/', 'src/util/stats/',
  'src/verify/trials.ts', 'web/lib/', 'infra/lib/render/',
  'src/whatif/settings.ts', 'src/whatif/dollars.ts', 'src/whatif/whatif.ts', 'src/whatif/format.ts',
];

function rules(root: string): ImportRule[] {
  const folders = srcFolders(root);
  return [
    {
      name: 'pure core: no I/O',
      from: PURE,
      // The documented edges: plan reads the documents a plan is made from; the watcher talks to
      // CloudWatch; batch talks to S3, Batch and Service Quotas.
      except: ['src/plan/readPlanDocument.ts', 'src/rightsize/cloudWatch.ts', 'src/batch/aws.ts'],
      forbid: IO_MODULES,
      transitive: true,
    },
    {
      name: 'the profiler and the serving pipeline do not depend on the server',
      from: ['src/profile/', 'src/serving/'],
      forbid: ['src/server/'],
    },
    {
      name: 'the servers and the serving pipeline do not depend on the profiler',
      from: ['src/server/', 'src/serving/'],
      forbid: ['src/profile/'],
    },
    {
      // The CLI, the report server's live runs and the Lambda are adapters over the use-cases.
      name: 'use-cases do not depend on a front end',
      from: ['src/app/'],
      forbid: ['src/cli/', 'src/server/', 'web/', 'infra/', 'commander', 'express'],
    },
    {
      name: 'util is the bottom layer',
      from: ['src/util/'],
      forbid: [...folders.filter((f) => f !== 'src/util/'), 'web/', 'infra/'],
      // The one document reader parses every persisted document with its schema.
      allow: [{ to: ['src/schema/'] }],
      except: [],
    },
    {
      name: 'src does not depend on web',
      from: ['src/'],
      forbid: ['web/'],
    },
    {
      name: 'web reaches src only through the schema',
      from: ['web/'],
      forbid: ['src/'],
      allow: [
        { to: ['src/schema/'], typeOnly: true },
        // Pure values the page shares with the terminal, word for word (no zod: the build checks).
        { to: ['src/schema/stageOrder.ts', 'src/schema/profileComparison.ts', 'src/schema/measuredSides.ts', 'src/schema/capacityText.ts', 'src/schema/slaText.ts', 'src/schema/findingsText.ts', 'src/schema/whatifText.ts', 'src/util/stats/'] },
      ],
    },
  ];
}

interface Import {
  /** Repo-relative path of the importing file. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** Repo-relative path of a relative import's target file; the specifier for a package. */
  target: string;
  /** `import type` / `export type`: erased from the built code. */
  typeOnly: boolean;
}

// Static imports and re-exports (also `import type`, which is counted: a type-only cycle still
// ties two files' designs together), side-effect imports, and dynamic import().
const FROM = /^[ \t]*((?:import|export)\s[^'";]*?)\sfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The folders scanned; infra's synthesized output and packages are not source. */
const SCANNED = ['src', 'web', 'infra'];
const SKIPPED = new Set(['node_modules', 'cdk.out']);

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : tsFiles(path);
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

/** Every import of every .ts file under root/{src,web,infra}, and each file's code without comments. */
function scanImports(root: string): Import[] {
  return scanTree(root).imports;
}

function scanTree(root: string): { imports: Import[]; code: Map<string, string> } {
  const code = new Map<string, string>();
  const imports = SCANNED.flatMap((top) => tsFiles(join(root, top))).flatMap((path) => {
    const file = toRepoPath(root, path);
    const text = readFileSync(path, 'utf8');
    code.set(file, withoutComments(text));
    const found = [
      ...[...text.matchAll(FROM)].map((m) => ({ specifier: m[2]!, typeOnly: /^\s*(?:import|export)\s+type\b/.test(m[1]!) })),
      ...[BARE, DYNAMIC].flatMap((pattern) => [...text.matchAll(pattern)].map((m) => ({ specifier: m[1]!, typeOnly: false }))),
    ];
    // One entry per specifier; a value import wins over a type-only one.
    const bySpecifier = new Map<string, boolean>();
    for (const f of found) bySpecifier.set(f.specifier, (bySpecifier.get(f.specifier) ?? true) && f.typeOnly);
    return [...bySpecifier].map(([specifier, typeOnly]) => ({
      file,
      specifier,
      target: specifier.startsWith('.') ? resolveRelative(root, file, specifier) : specifier,
      typeOnly,
    }));
  });
  return { imports, code };
}

/** Block and line comments removed (a comment naming Date.now is not a use of it); strings are kept. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const under = (path: string, prefixes: string[]): boolean => prefixes.some((prefix) => path === prefix || (prefix.endsWith('/') && path.startsWith(prefix)));
const isModule = (target: string, names: string[]): boolean => names.some((name) => (name.endsWith('/') ? target.startsWith(name) : target === name || target.startsWith(`${name}/`)));

function ruleViolations(imports: Import[], rules: ImportRule[], code: Map<string, string> = new Map()): string[] {
  const byFile = new Map<string, Import[]>();
  for (const i of imports) byFile.set(i.file, [...(byFile.get(i.file) ?? []), i]);
  const refused = (rule: ImportRule, i: Import): boolean =>
    (isModule(i.target, rule.forbid) || under(i.target, rule.forbid)) && !(rule.allow ?? []).some((a) => under(i.target, a.to) && (!a.typeOnly || i.typeOnly));
  return rules.flatMap((rule) => {
    const starts = [...new Set([...imports.map((i) => i.file), ...code.keys()])].filter((f) => under(f, rule.from) && !under(f, rule.except ?? [])).sort();
    if (!rule.transitive) {
      return imports.filter((i) => starts.includes(i.file) && refused(rule, i)).map((i) => `${rule.name}: ${i.file} imports '${i.specifier}'`);
    }
    // Transitive: every file a start reaches through value imports (types are erased), each reported
    // once, with the start it was first reached from.
    const reachedFrom = new Map<string, string>();
    for (const start of starts) {
      const queue = [start];
      while (queue.length > 0) {
        const file = queue.shift()!;
        if (reachedFrom.has(file)) continue;
        reachedFrom.set(file, start);
        for (const i of byFile.get(file) ?? []) if (!i.typeOnly && byFile.has(i.target) && !under(i.target, rule.except ?? [])) queue.push(i.target);
      }
    }
    const via = (file: string): string => (starts.includes(file) ? '' : ` (reached from ${reachedFrom.get(file)})`);
    return [...reachedFrom.keys()].sort().flatMap((file) => [
      ...(byFile.get(file) ?? []).filter((i) => !i.typeOnly && refused(rule, i)).map((i) => `${rule.name}: ${file} imports '${i.specifier}'${via(file)}`),
      ...IO_GLOBALS.filter((g) => g.pattern.test(code.get(file) ?? '')).map((g) => `${rule.name}: ${file} uses ${g.name}${via(file)}`),
    ]);
  });
}

/** Rule paths that match no scanned file: a typo there would switch the rule off silently. */
function deadRulePaths(files: readonly string[], rules: ImportRule[]): string[] {
  const paths = rules.flatMap((r) => [...r.from, ...(r.except ?? []), ...r.forbid.filter((f) => f.includes('/') && !f.startsWith('@')), ...(r.allow ?? []).flatMap((a) => a.to)]);
  return [...new Set(paths)].filter((p) => !files.some((f) => under(f, [p])));
}

/** Import cycles among scanned files (Tarjan's strongly connected components), each as `a -> b -> a`. */
function importCycles(imports: Import[]): string[] {
  const files = new Set(imports.map((i) => i.file));
  const edges = new Map<string, string[]>();
  for (const i of imports) {
    if (!files.has(i.target)) continue;
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

describe('architecture of src/, web/ and infra/', () => {
  const { imports, code } = scanTree(REPO_ROOT);
  const RULES = rules(REPO_ROOT);

  it('finds the imports (a broken scanner would pass every rule)', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ file: 'src/cli/main.ts', specifier: './program.js', target: 'src/cli/program.ts', typeOnly: false });
    expect(imports).toContainEqual({ file: 'web/lib/types.ts', specifier: '../../src/schema/plan.js', target: 'src/schema/plan.ts', typeOnly: true });
    expect(imports.some((i) => i.file.startsWith('infra/lib/'))).toBe(true);
  });

  it('every rule path matches a file', () => {
    expect(deadRulePaths([...code.keys()], RULES)).toEqual([]);
  });

  it('keeps every rule', () => {
    expect(ruleViolations(imports, RULES, code)).toEqual([]);
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

describe('the architecture checker: transitive purity, globals, web and dead paths', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-architecture-2-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  // A pure file reaching I/O two hops away, through a file outside the pure set.
  write('src/plan/pure.ts', "import { helper } from '../util/helper.js';\nexport const p = helper;\n");
  write('src/util/helper.ts', "import { ioThing } from './io.js';\nexport const helper = ioThing;\n");
  write('src/util/io.ts', "import { cpus } from 'node:os';\nexport const ioThing = cpus;\n");
  // Globals: used, named only in a comment, and called through an injected clock.
  write('src/plan/timer.ts', 'export interface Timer {\n  later(f: () => void): void;\n}\n');
  write('src/plan/clock.ts', "import type { Timer } from './timer.js';\n// Date.now() would be wrong here\nexport const a = (clock: Timer & { setTimeout: Timer['later'] }) => clock.setTimeout(() => undefined);\nexport const b = () => globalThis.fetch('x');\nexport const c = () => process.env.HOME;\n");
  // A type-only import is erased: it neither carries I/O nor counts as a value edge.
  write('src/plan/types.ts', "import type { ioThing } from '../util/io.js';\nexport type T = typeof ioThing;\n");
  // web: a type from the schema is fine, a value from it or anything else in src is not.
  write('src/schema/plan.ts', "export const Plan = 1;\nexport type Plan = number;\n");
  write('web/lib/view.ts', "import type { Plan } from '../../src/schema/plan.js';\nimport { Plan as P } from '../../src/schema/plan.js';\nimport { p } from '../../src/plan/pure.js';\nexport const v: Plan = P + Number(p);\n");
  const { imports, code } = scanTree(root);
  const testRules: ImportRule[] = [
    { name: 'pure', from: ['src/plan/'], forbid: IO_MODULES, transitive: true },
    { name: 'web', from: ['web/'], forbid: ['src/'], allow: [{ to: ['src/schema/'], typeOnly: true }] },
    { name: 'dead', from: ['src/nothing-here/', 'src/plan/missing.ts'], forbid: ['src/gone/', 'node:fs'] },
  ];

  it('marks type-only imports, and a value import of the same file wins', () => {
    expect(imports.filter((i) => i.file === 'web/lib/view.ts').map((i) => [i.specifier, i.typeOnly])).toEqual([
      ['../../src/schema/plan.js', false],
      ['../../src/plan/pure.js', false],
    ]);
    expect(imports.find((i) => i.file === 'src/plan/types.ts')!.typeOnly).toBe(true);
  });

  it('follows value imports to I/O anywhere they lead, and finds ambient globals outside comments', () => {
    expect(ruleViolations(imports, testRules.slice(0, 2), code)).toEqual([
      'pure: src/plan/clock.ts uses fetch',
      'pure: src/plan/clock.ts uses process.env',
      "pure: src/util/io.ts imports 'node:os' (reached from src/plan/pure.ts)",
      "web: web/lib/view.ts imports '../../src/schema/plan.js'",
      "web: web/lib/view.ts imports '../../src/plan/pure.js'",
    ]);
  });

  it('names every rule path that matches no file', () => {
    expect(deadRulePaths([...code.keys()], testRules)).toEqual(['src/nothing-here/', 'src/plan/missing.ts', 'src/gone/']);
  });
});

describe("docs/ARCHITECTURE.md's recipes stay true", () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const recipes = doc.slice(doc.indexOf('## Adding a report page, a load model or a price source'), doc.indexOf('## Request flow in a profile'));

  it('names only files that exist', () => {
    const named = [...recipes.matchAll(/`((?:src|web|test|infra)\/[\w./-]+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !existsSync(join(REPO_ROOT, path)))).toEqual([]);
  });

  it('gives every document kind the report draws its page route', async () => {
    const { PAGE_OF_KIND } = await import('../web/lib/indexView.js');
    const { REPORT_PAGES } = await import('../src/server/report/app.js');
    expect(Object.values(PAGE_OF_KIND).filter((page) => !REPORT_PAGES.includes(page))).toEqual([]);
  });
});
