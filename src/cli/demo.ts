import { formatComparison } from '../profile/formatProfile.js';
import { positiveNumber, shape3 } from './flags.js';
import { profileCommand } from './profile.js';
import type { Register } from './program.js';

/**
 * The article's experiment on this machine: the TorchServe-style fat handler and the thin Triton
 * setup, same model and images, each for a bounded time, then side by side.
 */
export const registerDemoCommand: Register = (program, rt) => {
  program
    .command('demo')
    .description('profile the torchserve-default and triton-dynamic presets on the default ResNet-50 and compare them')
    .option('--model <name|file>', 'model to use', 'resnet50')
    .option('--duration <s>', 'seconds per preset, warm-up included', positiveNumber('--duration'), 20)
    .option('--input-shape <C,H,W>', 'input shape for models with dynamic non-batch dimensions', shape3('--input-shape'))
    .option('--images <dir>', 'your own images (.jpg, .png, .webp) instead of the synthetic corpus')
    .option('--json', 'print both result documents as a JSON array')
    .action(async (flags: { model: string; duration: number; json?: boolean; inputShape?: [number, number, number]; images?: string }) => {
      const quietStdout = { write: () => true };
      const docs = [];
      for (const preset of ['torchserve-default', 'triton-dynamic']) {
        const inner = { ...rt, stdout: flags.json ? quietStdout : rt.stdout };
        docs.push(await profileCommand({ preset, model: flags.model, duration: flags.duration, inputShape: flags.inputShape, images: flags.images }, inner));
        if (!flags.json) rt.stdout.write('\n');
      }
      const [a, b] = docs as [(typeof docs)[0], (typeof docs)[0]];
      if (flags.json) rt.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
      else rt.stdout.write(`${formatComparison(a, b)}\n`);
    });
};
