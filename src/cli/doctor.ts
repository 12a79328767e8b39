import { diagnose, renderDiagnosis } from '../doctor/diagnose.js';
import { CapacityPlanError, ExitCode } from '../util/errors.js';
import { gatherFacts } from '../doctor/probes.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

const DOCTOR_FLAGS = {
  json: { flag: '--json', help: 'print the checks as JSON' },
} satisfies FlagTable;

const DOCTOR_EXITS: ExitTable = {
  ok: 'this host can profile',
  input: 'this host cannot profile as it is (the lines marked MISSING say what to fix)',
};

type DoctorFlags = FlagValues<typeof DOCTOR_FLAGS>;

export const registerDoctorCommand: Register = (program, rt) => {
  const command = program
    .command('doctor')
    .description('say what this host can do (Node, onnxruntime, GPU, CUDA 12, cuDNN 9, EC2, credentials) and what to fix; exit 0 when it can profile, 3 otherwise');
  addExitCodes(addFlags(command, DOCTOR_FLAGS), DOCTOR_EXITS).action(async (options: DoctorFlags) => doctorCommand(options, rt));
};

export async function doctorCommand(options: DoctorFlags, rt: Runtime): Promise<void> {
  const diagnosis = diagnose(await gatherFacts(rt.env));
  rt.stdout.write(options.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : renderDiagnosis(diagnosis));
  // Exit 3 whatever is missing (README, "capacity-plan doctor"): scripts gate a host on it; the
  // screen above on stdout says what, the one line on stderr says that it failed.
  if (!diagnosis.canProfile) throw new CapacityPlanError('this host cannot profile as it is', ExitCode.input, 'fix the lines marked MISSING above, then run `capacity-plan doctor` again');
}
