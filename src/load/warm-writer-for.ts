import type { RedisClient } from '../redis/client.js';
import { resolveCascadeOptions, type ResolvedTtl } from '../cascade/options.js';
import type { CodecOptions } from '../codec/types.js';
import { createCodec } from '../codec/index.js';
import type { Scenario } from '../scenario/schema.js';
import type { WarmInput } from '../warm/warm-input.js';
import { createWarmWriter, type WarmWriter } from '../warm/warm-writer.js';
import { cascadeOptionsOf } from './cascade-config.js';
import { feastWarmFormat } from '../feast/warm-format.js';
import { feastMappingOf } from '../feast/scenario-mapping.js';

/** The scenario's codec options and TTL policies as a warm job encodes with them (also on a worker thread). */
export function warmEncodingFor(scenario: Scenario, batch = 500): { codec: CodecOptions; ttlOf(featureSet: string): ResolvedTtl; batch: number } {
  const resolved = resolveCascadeOptions(cascadeOptionsOf(scenario, 'fcb'));
  const ttls = new Map(resolved.featureSets.map((set) => [set.name, set.ttl]));
  return { codec: resolved.codec, ttlOf: (set) => ttls.get(set)!, batch };
}

/**
 * A warm writer that encodes exactly as the scenario's cascade does (same codec options, tensor
 * layouts, TTL policy with swr's softTtl), so what it writes the run reads as its own values.
 */
export function warmWriterFor(
  scenario: Scenario,
  keyPrefix: string,
  client: RedisClient,
  input: WarmInput,
  options: { batch?: number | undefined; resume?: boolean | undefined; onWrite?: ((key: string) => void) | undefined } = {},
): WarmWriter {
  const resolved = resolveCascadeOptions(cascadeOptionsOf(scenario, keyPrefix));
  const ttls = new Map(resolved.featureSets.map((set) => [set.name, set.ttl]));
  const feast = feastMappingOf(scenario, keyPrefix);
  return createWarmWriter({
    client,
    keyPrefix,
    codec: createCodec(resolved.codec),
    ttlOf: (set) => ttls.get(set)!,
    input,
    batch: options.batch,
    resume: options.resume,
    onWrite: options.onWrite,
    // The same mapping the cascade reads with (src/feast/layout.ts): project = the key prefix.
    feast: feast === null ? undefined : feastWarmFormat(feast),
  });
}
