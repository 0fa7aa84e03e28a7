import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Compiles the real `fcbench` CLI into its own folder under node_modules/.cache (inside the repo, so
 * packages and package.json resolve as in dist/), from src/cli/main.ts and what it imports only:
 * work in progress elsewhere in src/ cannot break it, and it never shares output with dist/. When
 * dist/ is already fresh (see freshDistCli) that build is used instead.
 */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const execFileAsync = promisify(execFile);

/** The newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * dist/'s CLI when it was built after every change to src/ and package.json (`npm test` builds first),
 * else undefined. Reusing it saves a second tsc of the whole CLI, ~14 s during which no test can start.
 */
function freshDistCli(): string | undefined {
  const mainJs = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(mainJs)) return undefined;
  const builtAt = statSync(mainJs).mtimeMs;
  const changedAt = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(join(REPO_ROOT, 'package.json')).mtimeMs);
  return changedAt < builtAt ? mainJs : undefined;
}

/** Compiles the CLI (or reuses a fresh dist/ build); returns the path of main.js and a cleanup. */
export async function compileCli(): Promise<{ mainJs: string; cleanup(): void }> {
  const fresh = freshDistCli();
  if (fresh !== undefined) return { mainJs: fresh, cleanup: () => undefined };
  const cacheRoot = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheRoot, { recursive: true });
  const outDir = mkdtempSync(join(cacheRoot, 'fcbench-cli-'));
  const tsconfig = join(outDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: join(outDir, 'out'), rootDir: REPO_ROOT, declaration: false, sourceMap: false, noEmitOnError: false },
      include: [],
      files: [join(REPO_ROOT, 'src/cli/main.ts')],
    }),
  );
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let compileOutput = '';
  try {
    await execFileAsync(process.execPath, [tsc, '-p', tsconfig], { cwd: REPO_ROOT });
  } catch (error) {
    // Type errors still emit JavaScript; only a missing main.js is fatal.
    compileOutput = String((error as { stdout?: string }).stdout ?? error);
  }
  const mainJs = join(outDir, 'out', 'src', 'cli', 'main.js');
  if (!existsSync(mainJs)) throw new Error(`building the CLI failed:\n${compileOutput}`);
  return { mainJs, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

