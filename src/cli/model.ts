import { resolve } from 'node:path';
import { BUILT_IN_MODELS, MODEL_INFO, buildBuiltInModel, isBuiltInModel } from '../model/modelCache.js';
import { writeFileAtomic } from '../util/documents.js';
import { UsageError } from '../util/errors.js';
import { addExitCodes, addSubcommandExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { text } from './flags.js';
import type { Register } from './program.js';

const BUILD_FLAGS = {
  out: { flag: '--out <file>', parse: text, help: 'where to write the .onnx file (required)' },
  seed: { flag: '--seed <n>', parse: seedFlag, help: 'seed of the random weights (same seed, same bytes)', default: 1 },
} satisfies FlagTable;

const BUILD_EXITS: ExitTable = {
  ok: 'the model is written',
  usage: 'a bad flag or flag value, no --out, or a model name that is not built in',
};

type BuildFlags = FlagValues<typeof BUILD_FLAGS>;

/** `capacity-plan model build <resnet50|tiny> --out <file> [--seed <n>]`: writes a reference model. */
export const registerModelCommand: Register = (program, rt) => {
  const model = addSubcommandExitCodes(program.command('model').description('build the reference ONNX models'));
  const build = model
    .command('build')
    .description(`write a built-in model (${BUILT_IN_MODELS.join(', ')}) with seeded random weights to an .onnx file`)
    .argument('<name>', `model to build: ${BUILT_IN_MODELS.join(' or ')}`);
  addExitCodes(addFlags(build, BUILD_FLAGS), BUILD_EXITS).action(async (name: string, options: BuildFlags) => {
    if (!options.out) throw new UsageError('--out is required', 'e.g. capacity-plan model build tiny --out tiny.onnx');
    if (!isBuiltInModel(name)) {
      throw new UsageError(
        `unknown model '${name}': expected one of ${BUILT_IN_MODELS.join(', ')}`,
        `e.g. capacity-plan model build tiny --out tiny.onnx`,
      );
    }
    const { seed } = options;
    const path = resolve(rt.cwd, options.out);
    const bytes = buildBuiltInModel(name, seed);
    await writeFileAtomic(path, bytes);
    const info = MODEL_INFO[name];
    rt.stdout.write(
      `${path}: ${name} seed ${seed}, ${formatBytes(bytes.byteLength)}, ` +
        `${info.parameters.toLocaleString('en-US')} parameters, ${formatMacs(info.macsPerImage)} MACs per image\n`,
    );
  });
};

/** A weight seed: a whole number that fits 32 bits. */
function seedFlag(flag: string) {
  return (value: string): number => {
    const seed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
      throw new UsageError(`${flag} '${value}' is not a whole number from 0 to 4294967295`, 'e.g. --seed 1');
    }
    return seed;
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} KB`;
}

function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)} G`;
  return `${(macs / 1e6).toFixed(2)} M`;
}
