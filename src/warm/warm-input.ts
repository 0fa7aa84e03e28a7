import type { FeatureValues } from '../workload/types.js';

/**
 * What a warm job reads, whatever the file: rows of (entity, feature set, values) in batches, and
 * the snapshot stamp (version, written-at) each set's values carry, from the input's header.
 * Inputs check their header and schema when opened, so nothing is written before that.
 */
export interface WarmRow {
  entity: string;
  featureSet: string;
  /** null: already in Redis at this version (an input that checked before fetching, for `--resume`), or `encoded` holds the bytes. */
  values: FeatureValues | null;
  /** Bytes already encoded with the scenario's codec and this row's stamp (the worker-thread file reader), and their hard expiry. */
  encoded?: { bytes: Buffer; hardExpiresAtMs: number } | undefined;
}

/** Which of these keys already hold this snapshot version, in order. */
export type PresenceCheck = (rows: readonly { entity: string; featureSet: string }[]) => Promise<boolean[]>;

export interface WarmStamp {
  /** Snapshot version: in the key and the envelope. */
  version: string;
  /** The envelope's written-at, ms since the epoch: the snapshot's commit time, never the clock. */
  writtenAtMs: number;
}

export interface WarmInput {
  /** The file (or `top N` for an in-run ranking), for messages. */
  readonly name: string;
  /** Rows the input holds, when known up front (progress and ETA). */
  readonly total: number | null;
  stampOf(featureSet: string): WarmStamp;
  /** Batches of up to `size` rows, in input order (hottest first for manifests). */
  batches(size: number): AsyncIterable<WarmRow[]>;
  /**
   * Inputs whose values cost a source fetch take the resume check here and run it before fetching
   * (a resumed warm-up does not re-read the store for keys already warm); they yield `values: null`.
   */
  checkPresenceWith?(check: PresenceCheck): void;
  /** Releases files and connections; safe to call twice. */
  close(): Promise<void>;
}
