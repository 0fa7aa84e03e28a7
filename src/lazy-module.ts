import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on the first call instead of at import. Every CLI command imports the
 * whole module graph, so a heavy package that only one path needs (HTTP load, Arrow input,
 * PostgreSQL) would otherwise add its load time to every command's start-up.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(name) as T);
}
