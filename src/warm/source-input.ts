import type { Source } from '../cascade/source.js';
import { environmentError } from '../errors.js';
import type { PresenceCheck, WarmInput, WarmRow, WarmStamp } from './warm-input.js';

/**
 * Warm rows whose values come from the scenario's feature store (simulated or PostgreSQL: the
 * cascade's own `Source`), for inputs that only name entities: a manifest, or the model's top N.
 * Each batch is fetched concurrently; the source's own concurrency limit queues what is over it.
 */

/** Tries per entity before the job fails: a store with an error rate should not stop a warm-up. */
const FETCH_ATTEMPTS = 3;

export interface NamedEntity {
  entity: string;
  featureSet: string;
}

export interface SourceInputOptions {
  name: string;
  total: number | null;
  entities: () => AsyncIterable<NamedEntity> | Iterable<NamedEntity>;
  source: Source;
  stampOf(featureSet: string): WarmStamp;
  /** Counts every source fetch (the warming result reports them). */
  onFetch?: (() => void) | undefined;
  close?: (() => Promise<void>) | undefined;
}

export function sourceInput(options: SourceInputOptions): WarmInput {
  const fetchOne = async (named: NamedEntity): Promise<WarmRow> => {
    let lastError: unknown;
    for (let attempt = 0; attempt < FETCH_ATTEMPTS; attempt++) {
      try {
        options.onFetch?.();
        const record = await options.source.fetch(named.entity, named.featureSet);
        return { entity: named.entity, featureSet: named.featureSet, values: record.values };
      } catch (error) {
        lastError = error;
      }
    }
    throw environmentError(`the feature store failed ${FETCH_ATTEMPTS} times reading ${named.featureSet}/${named.entity}: ${(lastError as Error).message}`, lastError);
  };
  let closed = false;
  let presence: PresenceCheck | null = null;
  const fetchBatch = async (batch: NamedEntity[]): Promise<WarmRow[]> => {
    const there = presence === null ? null : await presence(batch);
    return Promise.all(batch.map((named, i) => (there?.[i] === true ? { ...named, values: null } : fetchOne(named))));
  };
  return {
    checkPresenceWith(check) {
      presence = check;
    },
    name: options.name,
    total: options.total,
    stampOf: options.stampOf,
    async *batches(size) {
      let pending: NamedEntity[] = [];
      for await (const named of options.entities()) {
        pending.push(named);
        if (pending.length === size) {
          yield await fetchBatch(pending);
          pending = [];
        }
      }
      if (pending.length > 0) yield await fetchBatch(pending);
    },
    async close() {
      if (closed) return;
      closed = true;
      await options.close?.();
    },
  };
}
