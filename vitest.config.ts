import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds dist/ once per run for the tests that spawn the built CLI.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers, workers and onnxruntime sessions: on 2 cores, run files two at a time.
    maxWorkers: 2,
    pool: 'forks',
    // Same as src/cli/main.ts: keep the AWS SDK's Node 20 notice out of test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      // CDK synthesis in-process: the first synth in a worker loads aws-cdk-lib (several seconds).
      { extends: true, test: { name: 'infra', include: ['infra/test/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
