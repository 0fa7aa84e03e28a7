import { defineConfig } from 'vitest/config';

// Tests spawn real redis-server processes and real CLIs; keep files in separate forks
// so a private Redis per file never collides, and give integration tests room to breathe.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
