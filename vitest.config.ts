import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once per run for the tests that spawn the built CLI.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers, workers and onnxruntime sessions: on 2 cores, run files two at a time.
    maxWorkers: 2,
    pool: 'forks',
    // Same as src/cli/main.ts: keep the AWS SDK's Node 20 notice out of test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
