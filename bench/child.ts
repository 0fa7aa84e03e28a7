/** What several bench sections share: medians, and measuring in a process of its own. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs `moduleUrl` as a script with `args` and parses what it writes to stdout as JSON. Stderr
 * passes through; a non-zero exit rejects. Used where a measurement must not share its process
 * (its heap, its JIT feedback) with the rest of the bench.
 */
export function runJsonChild<T>(moduleUrl: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeFlags, fileURLToPath(moduleUrl), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child ${fileURLToPath(moduleUrl)} ${args.join(' ')} exited ${code}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (error) {
        reject(new Error(`bench child printed no JSON: ${(error as Error).message}`));
      }
    });
  });
}
