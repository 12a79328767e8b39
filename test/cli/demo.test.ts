import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTrafficRps, registerDemoCommand } from '../../src/cli/demo.js';
import { measuredSide } from '../../src/schema/measuredSides.js';
import { compareMeasured } from '../../src/util/stats/verdict.js';
import { PROFILE_SCHEMA_VERSION, ProfileResult } from '../../src/schema/profileResult.js';
import { readDocument } from '../../src/util/documents.js';
import { ExitCode } from '../../src/util/errors.js';
import { writeModelKind } from '../support/modelKinds.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';

/** `capacity-plan demo`: both presets on the same model, side by side. */

let box: CliSandbox;
beforeAll(async () => {
  box = await cliSandbox([registerDemoCommand], 'cp-cli-demo-');
});
afterAll(async () => {
  await box.cleanup();
});

describe('capacity-plan demo', () => {
  it('--model tiny --duration 3: profiles torchserve-default then triton-dynamic and prints the throughput ratio', async () => {
    // A liveness bound, not a timing (the demo takes about 15 s): a preset that hangs fails here.
    let bound: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      box.run(['demo', '--model', 'tiny', '--duration', '3', '--no-whatif']),
      new Promise<undefined>((resolve) => (bound = setTimeout(() => resolve(undefined), 75_000))),
    ]);
    clearTimeout(bound);
    expect(finished, 'demo still running after 75 s').toBeDefined();
    const { code, stdout, stderr } = finished!;
    expect(stderr).not.toMatch(/error|\n\s+at /);
    expect(code).toBe(ExitCode.ok);

    // Both result documents were written, one per preset, both for the tiny model.
    const dir = join(box.cwd, 'profiles', 'results');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files.map((f) => f.replace(/-\d{4}-.*$/, ''))).toEqual(['torchserve-default', 'triton-dynamic']);
    const [torchserve, triton] = await Promise.all(files.map((f) => readDocument(join(dir, f), ProfileResult, 'profile', PROFILE_SCHEMA_VERSION)));
    for (const doc of [torchserve!, triton!]) {
      expect(doc.model!.source).toBe('tiny');
      expect(doc.spec!.measurement.durationS).toBe(3);
      expect(doc.throughputRps).toBeGreaterThan(0);
      expect(doc.requests.failed).toBe(0);
    }
    expect(torchserve!.spec!.pipeline.configLoad).toBe('per-request');
    expect(triton!.spec!.pipeline.configLoad).toBe('cached');

    // The comparison table names both presets, then the ratio line, computed from those documents.
    expect(stdout).toMatch(/^stage\s+torchserve-default ms\s+share\s+triton-dynamic ms\s+share$/m);
    // The verdict line: a winner only when Welch's test on the per-window throughputs says so,
    // else "within noise"; an unstable run is named in that same line.
    const verdict = compareMeasured(measuredSide(torchserve!), measuredSide(triton!), 'throughput', 'req/s');
    expect(stdout).toContain(verdict.sentence);
    const unstable = [torchserve!, triton!].filter((d) => !d.measurement.stable).map((d) => d.name);
    if (unstable.length > 0) expect(verdict.sentence).toContain(`UNSTABLE: ${unstable.join(' and ')}`);
    // TorchServe's workers run the I/O serially: its share is of the worker's time per request.
    expect(stdout).toMatch(/^I\/O stages \(config load, spooling, request log\) took \d+\.\d% of torchserve-default's worker time per request and \d+\.\d% of triton-dynamic's request time\.$/m);
    // What the tiny model stands in for, from this run's stages, and the article's figures labelled as a reference.
    expect(stdout).toMatch(/^on this CPU, model tiny's forward pass stands in for ResNet-50 on a T4: \d+\.\d ms per image \(measured in torchserve-default: /m);
    expect(stdout).toMatch(/^the article on a T4 \(reference, not measured here\): /m);
    expect(torchserve!.spec!.images).toMatchObject({ kind: 'synthetic', meanBytes: 150_000 });
    // Before the comparison, each preset's own summary and where it was written.
    expect(stdout.match(/^written: .*\.json$/gm)).toHaveLength(2);
    // And the comparison report of the two runs, one self-contained HTML file, its path printed.
    const report = /^report: (.*\.html)$/m.exec(stderr);
    expect(report, stderr).not.toBeNull();
    const html = readFileSync(report![1]!, 'utf8');
    expect(html).toContain('<script type="application/json" id="cp-data">');
    expect(readdirSync(dir).filter((f) => f.endsWith('.html'))).toEqual([basename(report![1]!)]);
  }, 90_000);

  it("the what-if's default traffic is four times torchserve-default's throughput, rounded to 10 req/s", () => {
    expect(demoTrafficRps(306.5)).toBe(1230);
    expect(demoTrafficRps(1)).toBe(10);
  });

  it('a zero --duration is a usage error, before anything runs', async () => {
    const { code, stderr } = await box.run(['demo', '--model', 'tiny', '--duration', '0']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe("error: --duration must be a number above zero, got '0'");
  });

  it('a dynamic-shape model: demo takes --input-shape and --images like profile (the hint it gives can be followed)', async () => {
    const path = await writeModelKind('map', join(box.dir, 'map.onnx'));
    const refused = await box.run(['demo', '--model', path, '--duration', '2']);
    expect(refused.code).toBe(ExitCode.input);
    expect(expectOneLineError(refused.stderr)).toMatch(/give the C,H,W to use with --input-shape/);
    const ran = await box.run(['demo', '--model', path, '--duration', '2', '--input-shape', '3,32,32', '--json', '--no-whatif']);
    expect(ran.code, ran.stderr).toBe(ExitCode.ok);
    const docs = (JSON.parse(ran.stdout) as unknown[]).map((d) => ProfileResult.parse(d));
    expect(docs.map((d) => [d.spec!.model.inputShape, d.model!.outputKind])).toEqual([
      [[3, 32, 32], 'raw'],
      [[3, 32, 32], 'raw'],
    ]);
  });
});
