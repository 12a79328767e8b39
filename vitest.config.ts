import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers, workers and onnxruntime sessions: on 2 cores, run files two at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});
