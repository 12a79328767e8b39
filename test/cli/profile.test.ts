import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerProfileCommand } from '../../src/cli/profile.js';
import { buildTiny } from '../../src/model/tiny.js';
import { NOT_AN_IMAGE } from '../../src/serving/images/preprocessImage.js';
import { PROFILE_SCHEMA_VERSION, ProfileResult } from '../../src/schema/profileResult.js';
import { readDocument } from '../../src/util/documents.js';
import { ExitCode } from '../../src/util/errors.js';
import { makeFixtureImages, type FixtureName } from '../fixtures/images/makeImages.js';
import { writeCustomModel } from '../support/customModels.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { BUILT_CLI } from '../support/repoRoot.js';

/**
 * `capacity-plan profile` end to end, in process (runCli with a captured Runtime) and, for the
 * "never a stack trace" promise, as a real process. Runs use the tiny model (< 1 ms per image)
 * and --duration 3 or less.
 */

let box: CliSandbox;
let fixtures: Record<FixtureName, string>;
const profile = (...argv: string[]) => box.run(['profile', ...argv]);

beforeAll(async () => {
  box = await cliSandbox([registerProfileCommand, registerPlanCommand], 'cp-cli-profile-');
  fixtures = await makeFixtureImages(join(box.dir, 'fixtures'));
});
afterAll(async () => {
  await box.cleanup();
});

/** A directory holding copies of some fixtures (under the names given). */
async function imageDir(name: string, files: Partial<Record<string, FixtureName>>): Promise<string> {
  const dir = join(box.dir, name);
  await mkdir(dir, { recursive: true });
  for (const [target, fixture] of Object.entries(files)) await copyFile(fixtures[fixture!], join(dir, target));
  return dir;
}

function parseJsonDocument(stdout: string): ProfileResult {
  return ProfileResult.parse(JSON.parse(stdout));
}

function expectNoResultWritten(): void {
  expect(existsSync(join(box.cwd, 'profiles'))).toBe(false);
}

const REAL_PHOTO = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'test', 'j5.jpeg');

const ALL_STAGES = ['deserialize', 'configLoad', 'payloadSpool', 'preprocess', 'queueWait', 'infer', 'postprocess', 'requestLog', 'serialize'];

function expectEveryStageMeasured(doc: ProfileResult): void {
  expect(doc.stages.map((s) => s.name)).toEqual(ALL_STAGES);
  for (const s of doc.stages) {
    expect(s.count, s.name).toBe(doc.requests.completed);
    expect(Number.isFinite(s.p50Ms) && Number.isFinite(s.p95Ms) && Number.isFinite(s.p99Ms)).toBe(true);
    expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
    expect(s.p95Ms).toBeLessThanOrEqual(s.p99Ms);
  }
}

describe('capacity-plan profile: a real run', () => {
  it('--model tiny --preset triton-dynamic --json: a valid document on stdout, every stage with p50/p95/p99, no failures', async () => {
    // Its own cwd: the other tests check that nothing lands in the shared one.
    const cwd = join(box.dir, 'json-run');
    await mkdir(cwd);
    const { code, stdout, stderr } = await box.run(['profile', '--model', 'tiny', '--preset', 'triton-dynamic', '--duration', '3', '--json'], { cwd });
    expect(stderr).not.toMatch(/error|\n\s+at /);
    expect(code).toBe(ExitCode.ok);
    const doc = parseJsonDocument(stdout);
    expect(doc.name).toBe('triton-dynamic');
    expect(doc.spec!.batching).toEqual({ policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 });
    expect(doc.spec!.engine.instances).toBe(2);
    expect(doc.model!.source).toBe('tiny');
    expect(doc.throughputRps).toBeGreaterThan(0);
    expect(doc.requests.failed).toBe(0);
    expect(doc.requests.failures).toEqual([]);
    expectEveryStageMeasured(doc);
    // --json silences progress; the plan command to run next goes to stderr, not into the JSON.
    expect(stderr).not.toContain('[triton-dynamic]');
    expect(stderr).toContain(
      'next: capacity-plan plan profiles/results/triton-dynamic-2026-11-23T12-00-00-000Z.json --sla <sla> --peak-rps <peak req/s> --instance-type <type>\n',
    );

    // The same document was written (atomically) to the default path, and reads back equal.
    const results = join(cwd, 'profiles', 'results');
    expect(readdirSync(results)).toEqual(['triton-dynamic-2026-11-23T12-00-00-000Z.json']);
    const written = await readDocument(join(results, readdirSync(results)[0]!), ProfileResult, 'profile', PROFILE_SCHEMA_VERSION);
    expect(written).toEqual(doc);
  });

  it('--images <dir> of real JPEG, PNG (grayscale, alpha, 1x1), WebP and an EXIF-rotated JPEG: no failures', async () => {
    const dir = await imageDir('good-images', {
      'photo.jpg': 'photo.jpg',
      'photo.webp': 'photo.webp',
      'solid.png': 'solid.png',
      'gray.png': 'gray.png',
      'rgba.png': 'rgba.png',
      'tiny.png': 'tiny.png',
      'orientation6.jpg': 'orientation6.jpg',
    });
    // A large, photo-like PNG too (the fixtures' PNGs are small).
    await sharp(fixtures['photo.jpg']).resize(640, 480).png().toFile(join(dir, 'large.png'));
    // And a real photograph (1169x584, shipped in the autocannon devDependency), as JPEG and as PNG.
    await copyFile(REAL_PHOTO, join(dir, 'real-photo.jpg'));
    await sharp(REAL_PHOTO).png().toFile(join(dir, 'real-photo.png'));
    const out = join(box.dir, 'images-run.json');
    const { code, stdout, stderr } = await profile('--model', 'tiny', '--preset', 'triton-dynamic', '--duration', '3', '--images', dir, '--json', '--quiet', '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    const doc = parseJsonDocument(stdout);
    expect(doc.spec!.images).toEqual({ kind: 'dir', path: dir });
    expect(doc.requests.failures).toEqual([]);
    expect(doc.requests.failed).toBe(0);
    // Closed loop over 10 images: every one was sent, many times.
    expect(doc.requests.completed).toBeGreaterThan(10);
    expect(doc.throughputRps).toBeGreaterThan(0);
    expectEveryStageMeasured(doc);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(JSON.parse(stdout));
  });

  it('corrupt images are failed requests, counted under their reason; the run goes on', async () => {
    const dir = await imageDir('mixed-images', {
      'photo.jpg': 'photo.jpg',
      'solid.png': 'solid.png',
      'truncated.jpg': 'truncated.jpg',
      'not-an-image.jpg': 'not-an-image.bin',
      'bomb.png': 'bomb.png',
    });
    const { code, stdout, stderr } = await profile('--model', 'tiny', '--duration', '3', '--concurrency', '4', '--images', dir, '--json', '--quiet', '--out', join(box.dir, 'mixed.json'));
    // Over 1% failed: the document is written, but the run is no capacity measurement (exit 5).
    expect(code).toBe(ExitCode.measurement);
    expect(expectOneLineError(stderr)).toMatch(/^error: \d+ of \d+ requests failed \(over 1%\), most often with 'preprocess: .+': the measurement is not stable/);
    const doc = parseJsonDocument(stdout);
    expect(doc.measurement.stable).toBe(false);
    expect(doc.requests.completed).toBeGreaterThan(0);
    expect(doc.throughputRps).toBeGreaterThan(0);
    const reasons = doc.requests.failures.map((f) => f.reason).sort();
    // One stable reason per bad image, however many failed at once.
    expect(reasons).toEqual([
      'preprocess: corrupt or truncated JPEG image',
      'preprocess: image is 20000x20000, above the 100000000-pixel limit',
      `preprocess: ${NOT_AN_IMAGE}`,
    ]);
    expect(doc.requests.failures.reduce((n, f) => n + f.count, 0)).toBe(doc.requests.failed);
    // 3 of the 5 images are bad, sent in turn: about 3 failures for every 2 successes.
    expect(doc.requests.failed).toBeGreaterThan(doc.requests.completed);
    expect(doc.warnings.join('\n')).not.toContain('internal');
  });

  it('a folder with a truncated JPEG (as in issue 17): never stable, exit 5 after writing; plan refuses it (exit 3) unless --allow-failures', async () => {
    const dir = await imageDir('one-truncated', { 'photo.jpg': 'photo.jpg', 'truncated.jpg': 'truncated.jpg' });
    const out = join(box.dir, 'one-truncated.json');
    const run = await profile('--model', 'tiny', '--duration', '3', '--concurrency', '2', '--images', dir, '--instance-type', 'g4dn.xlarge', '--out', out);
    expect(run.code).toBe(ExitCode.measurement);
    const line = expectOneLineError(run.stderr);
    expect(line).toMatch(/^error: \d+ of \d+ requests failed \(over 1%\), most often with 'preprocess: corrupt or truncated JPEG image': the measurement is not stable and its throughput is not a capacity \(fix what failed/);
    expect(line).toContain(out);
    const doc = await readDocument(out, ProfileResult, 'profile', PROFILE_SCHEMA_VERSION);
    // The corpus alternates the two images: about half failed.
    expect(doc.requests.failed).toBeGreaterThan(doc.requests.completed / 2);
    expect(doc.measurement.stable).toBe(false);
    expect(doc.measurement.stabilityNote).toMatch(new RegExp(`^${doc.requests.failed} of ${doc.requests.completed + doc.requests.failed} requests failed \\(over 1%\\); `));
    expect(doc.warnings).toContain(
      `${doc.requests.failed} of ${doc.requests.completed + doc.requests.failed} requests failed (over 1%), most often with 'preprocess: corrupt or truncated JPEG image': the throughput is not a capacity, and plan refuses this profile unless --allow-failures`,
    );

    const refused = await box.run(['plan', out, '--peak-rps', '20', '--sla', 'p95<=100ms', '--region', 'us-east-1']);
    expect(refused.code).toBe(ExitCode.input);
    expect(refused.stdout).toBe('');
    expect(expectOneLineError(refused.stderr)).toBe(
      `error: profile '${out}': ${doc.requests.failed} of ${doc.requests.completed + doc.requests.failed} requests failed (over 1%), so its throughput is not a capacity (fix what failed (the document lists every failure) and profile again, or pass --allow-failures to plan on it anyway)`,
    );
    const allowed = await box.run(['plan', out, '--peak-rps', '20', '--sla', 'p95<=100ms', '--region', 'us-east-1', '--allow-failures', '--json']);
    expect(allowed.code).toBe(ExitCode.ok);
    expect(JSON.parse(allowed.stdout).warnings).toContain(
      `${doc.name}: ${doc.requests.failed} of ${doc.requests.completed + doc.requests.failed} requests failed while profiling; planned on anyway (--allow-failures): its throughput overstates what the server carries when every request succeeds`,
    );
  });

  it('when the first requests all fail: stops early, exit 5, one line with the reason and the folder, no document', async () => {
    const dir = await imageDir('only-bad-images', { 'truncated.jpg': 'truncated.jpg', 'not-an-image.jpg': 'not-an-image.bin', 'notes.txt': 'not-an-image.bin' });
    const out = join(box.dir, 'all-failed.json');
    const run = profile('--model', 'tiny', '--duration', '60', '--concurrency', '2', '--images', dir, '--out', out);
    const { code, stderr } = await run;
    expect(code).toBe(ExitCode.measurement);
    expect(expectOneLineError(stderr)).toMatch(
      new RegExp(`^error: the first 32 requests all failed, \\d+ of them with 'preprocess: .+' \\(and 1 other reason\\(s\\)\\): stopped early, no document written \\(check the images in .*only-bad-images \\(--images\\)`),
    );
    // The corpus line says what was found and what was skipped.
    expect(stderr).toMatch(/\] 2 image\(s\) from .*only-bad-images \(1 skipped, not \.jpg \.jpeg \.png \.webp: notes\.txt\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('an image file that cannot be read (a dangling link) is a failed request in its turn, named; the run goes on', async () => {
    const dir = await imageDir('broken-link', { 'photo.jpg': 'photo.jpg' });
    await symlink(join(dir, 'gone.jpg'), join(dir, 'broken.jpg'));
    const { code, stdout, stderr } = await profile('--model', 'tiny', '--duration', '3', '--concurrency', '2', '--images', dir, '--json', '--quiet', '--out', join(box.dir, 'broken-link.json'));
    expect(expectOneLineError(stderr)).toMatch(/requests failed \(over 1%\), most often with 'client: cannot read image file/);
    expect(code).toBe(ExitCode.measurement);
    const doc = parseJsonDocument(stdout);
    expect(doc.requests.completed).toBeGreaterThan(0);
    expect(doc.requests.failures).toEqual([{ reason: "client: cannot read image file 'broken.jpg': no such file (a dangling link?)", count: doc.requests.failed }]);
    // The corpus alternates broken.jpg and photo.jpg: failures and successes come in turn.
    expect(Math.abs(doc.requests.failed - doc.requests.completed)).toBeLessThanOrEqual(4);
  });

  it('a folder where no image can be read: exit 3, one line naming the first, nothing written', async () => {
    const dir = join(box.dir, 'all-broken');
    await mkdir(dir);
    await symlink(join(dir, 'gone.jpg'), join(dir, 'broken.jpg'));
    const { code, stdout, stderr } = await profile('--model', 'tiny', '--duration', '3', '--images', dir, '--quiet');
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toBe(
      `error: none of the 1 image(s) in '${dir}' can be read ('broken.jpg': no such file (a dangling link?)) (fix the files, or point --images at another directory)`,
    );
    expect(stdout).toBe('');
    expectNoResultWritten();
  });
});

describe('capacity-plan profile: models it cannot run', () => {
  it('a missing model file: exit 3, one line naming the file', async () => {
    const { code, stdout, stderr } = await profile('--model', 'models/missing.onnx', '--duration', '3');
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toBe(
      "error: model file 'models/missing.onnx' not found (use --model resnet50|tiny for a built-in model, or the path of an .onnx file)",
    );
    expect(stdout).toBe('');
    expectNoResultWritten();
  });

  it('a corrupt model (random bytes, or a truncated .onnx): exit 3, one line', async () => {
    const random = join(box.dir, 'random.onnx');
    await writeFile(random, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) % 251)));
    const truncated = join(box.dir, 'truncated.onnx');
    const tiny = Buffer.from(buildTiny({ seed: 1 }));
    await writeFile(truncated, tiny.subarray(0, Math.floor(tiny.length / 2)));
    for (const path of [random, truncated]) {
      const { code, stderr } = await profile('--model', path, '--duration', '3');
      expect(code).toBe(ExitCode.input);
      expect(expectOneLineError(stderr)).toMatch(new RegExp(`^error: cannot load model '${path.replace(/[.]/g, '\\.')}': .*\\(is it a valid \\.onnx file\\?`));
    }
    expectNoResultWritten();
  });

  it('a model whose input is not an image tensor (rank 2): exit 3, the error says which shapes are supported', async () => {
    const path = await writeCustomModel('rank2', join(box.dir, 'rank2.onnx'));
    const { code, stderr } = await profile('--model', path, '--duration', '3');
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toBe(
      "error: the model input 'x' has shape [N, 10], not an image tensor (an image model takes one float32, float16 or uint8 input [N, C, H, W] or [N, H, W, C] with C = 1 or 3)",
    );
    expectNoResultWritten();
  });

  it('dynamic C,H,W: without --input-shape exit 3 saying to pass it; with --input-shape 3,32,32 it runs', async () => {
    const path = await writeCustomModel('dynamic', join(box.dir, 'dynamic.onnx'));
    const refused = await profile('--model', path, '--duration', '3');
    expect(refused.code).toBe(ExitCode.input);
    expect(expectOneLineError(refused.stderr)).toBe(
      "error: the model input 'x' has dynamic dimensions [N, 3, H, W] (give the C,H,W to use with --input-shape, e.g. --input-shape 3,224,224)",
    );
    expectNoResultWritten();

    const dir = await imageDir('dynamic-images', { 'photo.jpg': 'photo.jpg', 'solid.png': 'solid.png' });
    const ran = await profile('--model', path, '--input-shape', '3,32,32', '--duration', '3', '--images', dir, '--json', '--quiet', '--out', join(box.dir, 'dynamic.json'));
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(ExitCode.ok);
    const doc = parseJsonDocument(ran.stdout);
    expect(doc.spec!.model.inputShape).toEqual([3, 32, 32]);
    expect(doc.model).toMatchObject({ inputShape: ['N', 3, 'H', 'W'], outputShape: ['N', 3] });
    expect(doc.requests.failed).toBe(0);
    expect(doc.throughputRps).toBeGreaterThan(0);
  });

  it('a fixed batch dimension of 2 with --batching triton --max-batch-size 8: batches capped and padded, no failures', async () => {
    const path = await writeCustomModel('fixed2', join(box.dir, 'fixed2.onnx'));
    const dir = await imageDir('fixed-images', { 'photo.jpg': 'photo.jpg', 'solid.png': 'solid.png' });
    const { code, stdout, stderr } = await profile(
      ...['--model', path, '--batching', 'triton', '--max-batch-size', '8', '--duration', '3', '--images', dir, '--json', '--quiet', '--out', join(box.dir, 'fixed.json')],
    );
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    const doc = parseJsonDocument(stdout);
    expect(doc.requests.failures).toEqual([]);
    expect(doc.requests.completed).toBeGreaterThan(0);
    expect(Object.keys(doc.batches.sizeCounts).every((size) => Number(size) <= 2)).toBe(true);
    expect(doc.warnings).toContain("the model's batch dimension is fixed at 2: batches were capped at 2 (asked for 8)");
  });

  const bin = new URL('../../node_modules/onnxruntime-node/bin', import.meta.url).pathname;
  const cudaInstalled = existsSync(bin) && readdirSync(bin, { recursive: true }).some((f) => String(f).endsWith('libonnxruntime_providers_cuda.so'));

  it.skipIf(cudaInstalled)('--device cuda without the CUDA provider: exit 4, the error names the install command', async () => {
    const { code, stderr } = await profile('--model', 'tiny', '--device', 'cuda', '--duration', '3');
    expect(code).toBe(ExitCode.environment);
    const line = expectOneLineError(stderr);
    expect(line).toContain("execution provider 'cuda' is not installed");
    expect(line).toContain('run `capacity-plan doctor` for what this host lacks');
    expect(line).toMatch(/ONNXRUNTIME_NODE_INSTALL=true node \S*onnxruntime-node\/script\/install\.js/);
    expectNoResultWritten();
  });
});

describe('capacity-plan profile: bad settings', () => {
  it.each([
    [['--duration', '0'], "error: --duration must be a number above zero, got '0'"],
    [['--duration', '-5'], "error: --duration must be a number above zero, got '-5'"],
    [['--concurrency', '0'], "error: --concurrency must be a whole number above zero, got '0'"],
    [['--concurrency', '-2'], "error: --concurrency must be a whole number above zero, got '-2'"],
    [['--concurrency', '1.5'], "error: --concurrency must be a whole number above zero, got '1.5'"],
  ])('%j: exit 2, one line naming the flag', async (flags, message) => {
    const { code, stdout, stderr } = await profile('--model', 'tiny', ...flags);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe(message);
    expect(stdout).toBe('');
    expectNoResultWritten();
  });

  it('an unknown preset name lists the available presets', async () => {
    const { code, stderr } = await profile('--model', 'tiny', '--preset', 'trition-dynamic');
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe(
      "error: --preset: unknown preset 'trition-dynamic' (did you mean triton-dynamic? built-in presets: torchserve-default, triton-dynamic, or a path to a .yaml file)",
    );
  });

  it.each([
    ['batching: {policy: bogus}\n', /^error: preset '.*': batching\.policy: .*'triton' \| 'torchserve' \| 'none'/],
    ['batching: triton\n', /^error: preset '.*': batching: expected a mapping such as \{policy: none\}, where policy is one of none\|triton\|torchserve/],
    ['pipeline:\n  requestLog: bogus\n', /^error: preset '.*': pipeline\.requestLog: expected a mapping such as \{mode: off\}, where mode is one of off\|file\|file-fsync\|async\|http/],
    ['pipeline:\n  requestLog: {mode: bogus}\n', /^error: preset '.*': pipeline\.requestLog\.mode: .*"off"\|"file"\|"file-fsync"\|"async"\|"http"/],
    ['pipeline:\n  payloadSpool: temp-file\n', /^error: preset '.*': pipeline\.payloadSpool: expected a mapping such as \{mode: memory\}, where mode is one of memory\|temp-file/],
    ['pipeline:\n  configLoad: sometimes\n', /^error: preset '.*': pipeline\.configLoad: .*"per-request"\|"cached"/],
    ['engine: {instancez: 2}\n', /^error: preset '.*': engine\.instancez: unknown key \(did you mean instances\?\)/],
  ])('a preset file with %j: exit 2, the error names the key and the allowed values', async (yaml, message) => {
    const path = join(box.dir, `preset-${Math.abs(hash(yaml))}.yaml`);
    await writeFile(path, yaml);
    const { code, stdout, stderr } = await profile('--model', 'tiny', '--preset', path);
    expect(code).toBe(ExitCode.usage);
    const line = expectOneLineError(stderr);
    expect(line).toMatch(message);
    expect(line).toContain(path);
    expect(stdout).toBe('');
    expectNoResultWritten();
  });
});

describe('capacity-plan profile as a real process: no stack trace on stderr', () => {
  const exec = promisify(execFile);
  async function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [BUILT_CLI, ...args], {
        cwd: box.cwd,
        env: { ...process.env, CAPACITY_PLAN_HOME: box.home, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('a corrupt model file: exit 3, one line', async () => {
    const path = join(box.dir, 'spawn-corrupt.onnx');
    await writeFile(path, 'not a model at all');
    const { code, stdout, stderr } = await spawnCli(['profile', '--model', path, '--duration', '3']);
    expect(code).toBe(ExitCode.input);
    expect(expectOneLineError(stderr)).toMatch(/^error: cannot load model '.*spawn-corrupt\.onnx': /);
    expect(stdout).toBe('');
  });

  it('a missing model file and a zero --duration: exits 3 and 2, one line each', async () => {
    const missing = await spawnCli(['profile', '--model', 'nope.onnx']);
    expect(missing.code).toBe(ExitCode.input);
    expect(expectOneLineError(missing.stderr)).toContain("model file 'nope.onnx' not found");
    const zero = await spawnCli(['profile', '--model', 'tiny', '--duration', '0']);
    expect(zero.code).toBe(ExitCode.usage);
    expect(expectOneLineError(zero.stderr)).toBe("error: --duration must be a number above zero, got '0'");
  });
});

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
