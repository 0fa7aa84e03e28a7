import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * A test file that starts nothing (no redis-server, PostgreSQL, child process, worker, HTTP server
 * or browser) is a unit file. Unit files share one worker without isolation: a fork per file costs
 * ~0.3 s of start-up and module loading each, ~25 s of a run, and they have no servers to keep
 * apart. Every other file gets its own fork, so a private Redis per file never collides. The test
 * is by content, so a new file lands in the right group without a list to keep.
 */
const STARTS_SOMETHING =
  /helpers\/(redis|postgres)|spawn|execFile|fcbenchCliMain|chromium|playwright|Worker|child_process|startPrivateRedis|startPrivateCluster|runScenario|provisionRedis|http\.|listen\(/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const unitFiles = testFiles('test').filter((path) => !STARTS_SOMETHING.test(readFileSync(path, 'utf8')));

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three files at once on two cores: most integration files spend their time in runs of a fixed
    // duration (waiting, not computing), so a third overlaps them; measured 271 s against 315 s for two.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'unit', include: unitFiles, isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: unitFiles } },
    ],
  },
});
