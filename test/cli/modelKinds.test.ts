import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProfileCommand } from '../../src/cli/profile.js';
import { itemShapeOf } from '../../src/profile/http/serverInfo.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { startAgent } from '../../src/server/agent/agent.js';
import { ExitCode } from '../../src/util/errors.js';
import { writeModelKind, type ModelKind } from '../support/modelKinds.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';

/**
 * `capacity-plan profile` (in process, short runs) with models of each kind: the document says how
 * the outputs were read, the run notes a non-classifier once, and what cannot run is refused in
 * one line.
 */

let box: CliSandbox;
beforeAll(async () => {
  box = await cliSandbox([registerProfileCommand]);
});
afterAll(async () => {
  await box.cleanup();
});

async function profileKind(kind: ModelKind, ...extra: string[]) {
  const path = await writeModelKind(kind, join(box.dir, `${kind}.onnx`));
  const run = await box.run(['profile', '--model', path, '--duration', '2', '--concurrency', '2', '--json', '--quiet', '--out', join(box.dir, `${kind}.json`), ...extra]);
  return { ...run, doc: run.code === ExitCode.ok ? ProfileResult.parse(JSON.parse(run.stdout)) : undefined };
}

describe('profile: output kinds and input types', () => {
  it.each([
    ['logits', 'classification'],
    ['softmax', 'probabilities'],
    ['fp16', 'classification'],
    ['uint8Nhwc', 'classification'],
  ] as const)('%s model: runs without failures, output kind %s', async (kind, outputKind) => {
    const { code, stderr, doc } = await profileKind(kind);
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    expect(doc!.requests.failed).toBe(0);
    expect(doc!.requests.completed).toBeGreaterThan(0);
    expect(doc!.model!.outputKind).toBe(outputKind);
  });

  it('softmax-ended: the run notes once that no second softmax was applied', async () => {
    const { doc } = await profileKind('softmax');
    expect(doc!.warnings.filter((w) => w.includes('no second softmax'))).toEqual(['output probs [N, 3] rows already sum to 1 (output kind probabilities): top-5 with no second softmax']);
  });

  it('uint8 NHWC: recorded as channels last, noted as pixel values', async () => {
    const { doc } = await profileKind('uint8Nhwc');
    expect(doc!.model).toMatchObject({ inputType: 'uint8', layout: 'nhwc', inputShape: ['N', 8, 8, 3] });
    expect(doc!.warnings.some((w) => w.includes('is uint8: it gets pixel values 0-255'))).toBe(true);
  });

  it('a detection-style map (dynamic H,W with --input-shape): raw, noted once, no failures', async () => {
    const { code, stderr, doc } = await profileKind('map', '--input-shape', '3,32,32');
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    expect(doc!.model!.outputKind).toBe('raw');
    expect(doc!.requests.failed).toBe(0);
    expect(doc!.warnings.filter((w) => w.includes('no class postprocessing was applied'))).toHaveLength(1);
  });

  it('two outputs: raw, both recorded', async () => {
    const { doc } = await profileKind('twoOutputs');
    expect(doc!.model!.outputKind).toBe('raw');
    expect(doc!.model!.outputs!.map((o) => o.name)).toEqual(['logits', 'map']);
  });

  it('two inputs: exit 3, one line naming them', async () => {
    const { code, stderr } = await profileKind('twoInputs');
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toBe(
      "error: the model has 2 inputs ('x', 'z'); only single-input image models are supported (an image model takes one float32, float16 or uint8 input [N, C, H, W] or [N, H, W, C] with C = 1 or 3)",
    );
  });
});

describe('profile: --resize keep-aspect:<multiple> for a detection model', () => {
  it('runs when H and W are multiples; otherwise exit 3, one line with the shape to give', async () => {
    const refused = await profileKind('map', '--input-shape', '3,50,64', '--resize', 'keep-aspect:32');
    expect(refused.code).toBe(ExitCode.input);
    expect(expectOneLineError(refused.stderr)).toBe(
      'error: --resize keep-aspect:32 pads to a multiple of 32, but the input is 50x64 (H x W) (give --input-shape 3,64,64 or another multiple of 32)',
    );
    const ran = await profileKind('map', '--input-shape', '3,64,96', '--resize', 'keep-aspect:32');
    expect(ran.code, ran.stderr).toBe(ExitCode.ok);
    expect(ran.doc!.spec!.pipeline.preprocess.resize).toBe('keep-aspect:32');
    expect(ran.doc!.requests.failed).toBe(0);
  });

  it('--resize sideways: exit 2, one line with the modes', async () => {
    const { code, stderr } = await box.run(['profile', '--model', 'tiny', '--resize', 'sideways']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe("error: --resize must be cover, contain, fill or keep-aspect:<multiple>, got 'sideways' (e.g. --resize keep-aspect:32)");
  });
});

describe('profile: --output and --layout override the detection', () => {
  it('--output classification reads a two-output model\'s first output as logits', async () => {
    const { code, doc } = await profileKind('twoOutputs', '--output', 'classification');
    expect(code).toBe(ExitCode.ok);
    expect(doc!.model!.outputKind).toBe('classification');
    expect(doc!.spec!.model.output).toBe('classification');
  });

  it('--layout nchw on a channels-last model: 8 channels, exit 3, the hint names --layout', async () => {
    const { code, stderr } = await profileKind('uint8Nhwc', '--layout', 'nchw');
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toBe(
      "error: the model input 'pixels' has 8 channels (as NCHW) (an image model takes one float32, float16 or uint8 input [N, C, H, W] or [N, H, W, C] with C = 1 or 3; set --layout if it was detected wrongly)",
    );
  });

  it('--output soap: exit 2, one line with the kinds', async () => {
    const { code, stderr } = await box.run(['profile', '--model', 'tiny', '--output', 'soap']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toMatch(/^error: --output must be one of classification, probabilities, raw, got 'soap'/);
  });
});

describe('profile: the instance type is checked when the figures are recorded', () => {
  it('--instance-type g4dn.xlarg: exit 2 before any run, one line with the nearest names', async () => {
    const { code, stderr } = await box.run(['profile', '--model', 'tiny', '--duration', '2', '--instance-type', 'g4dn.xlarg']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toMatch(/^error: --instance-type 'g4dn\.xlarg' is not in the price catalog \(did you mean g4dn\.xlarge/);
  });

  it('CAPACITY_PLAN_INSTANCE_TYPE is named when it is the one misspelt', async () => {
    const { code, stderr } = await box.run(['profile', '--model', 'tiny', '--duration', '2'], { env: { CAPACITY_PLAN_INSTANCE_TYPE: 'g5.xlarg' } });
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toMatch(/^error: CAPACITY_PLAN_INSTANCE_TYPE 'g5\.xlarg' is not in the price catalog \(did you mean g5\.xlarge/);
  });
});

describe('profile --target a channels-last uint8 model over KServe v2', () => {
  it('tensors go as [1, H, W, C]: every request succeeds', async () => {
    const path = await writeModelKind('uint8Nhwc', join(box.dir, 'served-nhwc.onnx'));
    const agent = await startAgent({ spec: ProfileSpec.parse({ model: { source: path } }), home: box.home, onLog: () => {} });
    try {
      expect(itemShapeOf([-1, 8, 8, 3])).toEqual([3, 8, 8]);
      const run = await box.run(['profile', '--target', agent.url, '--protocol', 'kserve-v2', '--model-name', 'served-nhwc', '--duration', '2', '--concurrency', '2', '--image-count', '4', '--json', '--out', join(box.dir, 'nhwc-kserve.json')]);
      expect(run.code, run.stderr).toBe(ExitCode.ok);
      const doc = ProfileResult.parse(JSON.parse(run.stdout));
      expect(doc.requests.failed).toBe(0);
      expect(doc.requests.completed).toBeGreaterThan(0);
    } finally {
      await agent.close();
    }
  });
});
