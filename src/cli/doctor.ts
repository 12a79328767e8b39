import { diagnose, renderDiagnosis } from '../doctor/diagnose.js';
import { CapacityPlanError, ExitCode } from '../util/errors.js';
import { gatherFacts } from '../doctor/probes.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

export const registerDoctorCommand: Register = (program, rt) => {
  program
    .command('doctor')
    .description('say what this host can do (Node, onnxruntime, GPU, CUDA 12, cuDNN 9, EC2, credentials) and what to fix; exit 0 when it can profile, 3 otherwise')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => doctorCommand(options, rt));
};

export async function doctorCommand(options: { json?: boolean }, rt: Runtime): Promise<void> {
  const diagnosis = diagnose(await gatherFacts(rt.env));
  rt.stdout.write(options.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : renderDiagnosis(diagnosis));
  // Exit 3 whatever is missing (README, "capacity-plan doctor"): scripts gate a host on it; the
  // screen above on stdout says what, the one line on stderr says that it failed.
  if (!diagnosis.canProfile) throw new CapacityPlanError('this host cannot profile as it is', ExitCode.input, 'fix the lines marked MISSING above, then run `capacity-plan doctor` again');
}
