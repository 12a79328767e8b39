import { join } from 'node:path';
import { formatComparison } from '../profile/formatProfile.js';
import { loadDocuments } from '../server/report/documentStore.js';
import { renderReportHtml } from '../server/report/exportHtml.js';
import { writeFileAtomic } from '../util/documents.js';
import { positiveNumber } from './flags.js';
import { defaultResultPath, profileCommand } from './profile.js';
import type { Register } from './program.js';
import { addFlags } from './flagTable.js';
import { LIVE_FLAGS, startLiveSession, type LiveFlags } from './liveServe.js';

/**
 * The article's experiment on this machine: the TorchServe-style fat handler and the thin Triton
 * setup, same model and images, each for a bounded time, then side by side, ending in the
 * comparison report (one HTML file beside the two documents).
 */
export const registerDemoCommand: Register = (program, rt) => {
  const command = program
    .command('demo')
    .description('profile the torchserve-default and triton-dynamic presets on the default ResNet-50 and compare them')
    .option('--model <name|file>', 'model to use', 'resnet50')
    .option('--duration <s>', 'seconds per preset, warm-up included', positiveNumber('--duration'), 20)
    .option('--json', 'print both result documents as a JSON array');
  addFlags(command, LIVE_FLAGS).action(async (flags: { model: string; duration: number; json?: boolean } & LiveFlags) => {
    const quietStdout = { write: () => true };
    const docs = [];
    const live = flags.serve ? await startLiveSession(rt, flags, 'demo') : undefined;
    try {
      for (const preset of ['torchserve-default', 'triton-dynamic']) {
        const inner = { ...rt, stdout: flags.json ? quietStdout : rt.stdout };
        docs.push(await profileCommand({ preset, model: flags.model, duration: flags.duration }, inner, live));
        if (!flags.json) rt.stdout.write('\n');
      }
      const [a, b] = docs as [(typeof docs)[0], (typeof docs)[0]];
      // The documents as profileCommand wrote them: the report's sha256s are of those files.
      const { store } = await loadDocuments([defaultResultPath(rt, a), defaultResultPath(rt, b)], rt.cwd);
      const reportPath = join(rt.cwd, 'profiles', 'results', `demo-report-${b.createdAt.replace(/[:.]/g, '-')}.html`);
      await writeFileAtomic(reportPath, renderReportHtml({ entries: store.list() }));
      if (flags.json) rt.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
      else rt.stdout.write(`${formatComparison(a, b)}\n`);
      rt.stderr.write(`report: ${reportPath}\n`);
    } finally {
      // The live page becomes the comparison; without --keep-serving the command then exits.
      await live?.end();
    }
  });
};
