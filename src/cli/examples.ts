import { builtinExamples, DOCS_DIR } from '../util/packagePaths.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

const EXAMPLES_FLAGS = {
  json: { flag: '--json', help: 'print them as JSON' },
} satisfies FlagTable;

const EXAMPLES_EXITS: ExitTable = { ok: 'the list is printed' };

type ExamplesFlags = FlagValues<typeof EXAMPLES_FLAGS>;

/**
 * `capacity-plan examples`: what ships inside the package and how to use it from any directory.
 * An installed user has no profiles/ in their cwd; `builtin:<name>` reaches the shipped copy.
 */
export const registerExamplesCommand: Register = (program, rt) => {
  const command = program
    .command('examples')
    .description('list the shipped examples (use them as builtin:<name> from any directory) and where the docs are');
  addExitCodes(addFlags(command, EXAMPLES_FLAGS), EXAMPLES_EXITS).action((options: ExamplesFlags) => examplesCommand(options, rt));
};

export function examplesCommand(options: ExamplesFlags, rt: Runtime): void {
  const examples = builtinExamples();
  if (options.json) {
    rt.stdout.write(`${JSON.stringify({ examples, docsDir: DOCS_DIR }, null, 2)}\n`);
    return;
  }
  const width = Math.max(...examples.map((e) => e.name.length));
  const kindWidth = Math.max(...examples.map((e) => e.kind.length));
  rt.stdout.write('built-in examples: pass builtin:<name> wherever a file is read, or copy the file\n');
  for (const e of examples) rt.stdout.write(`  ${e.name.padEnd(width)}  ${e.kind.padEnd(kindWidth)}  ${e.path}\n`);
  rt.stdout.write(`docs: ${DOCS_DIR}\n`);
  rt.stdout.write('try:\n');
  rt.stdout.write("  capacity-plan plan --compare builtin:article-torchserve-g4dn builtin:article-triton-g4dn --sla 'p95<=400ms' --peak-rps 60 --instance-type g4dn.xlarge\n");
  rt.stdout.write('  capacity-plan rightsize --fleet builtin:defect-classifier-fleet --metrics-from builtin:defect-classifier-metrics\n');
  rt.stdout.write('  capacity-plan report builtin:article-torchserve-g4dn builtin:article-triton-g4dn --out report.html\n');
}
