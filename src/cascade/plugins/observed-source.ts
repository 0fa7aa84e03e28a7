import { errorKindOf } from '../cascade-error.js';
import type { Clock } from '../clock.js';
import type { Source } from '../source.js';
import { currentCall } from './call-context.js';
import type { PluginSource } from './plugin-types.js';

/**
 * The source as a plugin sees it: plain values. Each fetch is charged to the get in whose async
 * context it started (origin calls, fetch and queue time, the TTL it filled), which is how source
 * figures stay fcbench's own whatever the library. A fetch outside any get (a refresh that
 * outlived its get) still counts in `tiers.source.calls`, only in no request's figures.
 */
export function observedSource(source: Source, clock: Clock, hardTtlMs: (featureSet: string) => number): PluginSource {
  return {
    async fetch(entity, featureSet) {
      const call = currentCall();
      if (call !== null) call.trace.originCalls++;
      const startUs = clock.nowUs();
      try {
        const record = await source.fetch(entity, featureSet);
        if (call !== null && !call.done) {
          call.trace.us.sourceFetch += clock.nowUs() - startUs;
          call.trace.us.sourceQueue += record.queueUs;
          // The TTL the library was given: the stampede tracker tells a later miss after it (an expiry) from one before (an eviction).
          call.trace.filledTtlMs = hardTtlMs(featureSet);
        }
        return record.values;
      } catch (error) {
        if (call !== null && !call.done) call.sourceError = errorKindOf(error, 'source-error');
        throw error;
      }
    },
  };
}
