import { createRequire } from 'node:module';

/** An installed package's own version (client libraries are recorded in every result), or `unknown`. */
export function readPackageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
