import type { TestProject } from 'vitest/node';
import { compileCli } from './cli/compile-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** main.js of the CLI compiled once for the whole run (see test/cli/compile-cli.ts). */
    fcbenchCliMain: string;
  }
}

/**
 * Compiles the CLI once before any test file runs: every spawned-CLI test uses the same build
 * instead of compiling its own (a tsc of main.ts and all it imports, 10-20 s each on this machine).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const built = await compileCli();
  project.provide('fcbenchCliMain', built.mainJs);
  return built.cleanup;
}
