import type { RedisClient } from '../redis/client.js';

/** Timed rounds (one SET + GET of every value per round) after the untimed ones (connection and server warm). */
export const ROUND_TRIP_ROUNDS = 40;
const WARMUP_ROUNDS = 5;

export interface RoundTrip {
  /** Median SET + GET of the value, µs. */
  readonly roundTripUs: number;
  /** `MEMORY USAGE` of the key holding it, bytes. */
  readonly redisBytes: number;
}

/** The Redis side of the lab: a client and the key prefix (`<prefix>:<name>` keys) it may write under. */
export interface LabRedis {
  readonly client: RedisClient;
  readonly keyPrefix: string;
}

/**
 * The SET + GET round trip of each of `values` (what a fill and a later hit pay) and what one key
 * holding it costs Redis. Interleaved: each round visits every value once, so a machine that
 * slows down mid-way (shared cores) slows every codec alike instead of whichever ran then; the
 * crossover compares codecs of one payload, so drift between them would be read as a difference.
 * Keys `<prefix>:<group>:<i>` expire after a minute and are deleted afterwards with `deleteByPrefix`.
 */
export async function measureRoundTrips(redis: LabRedis, group: string, values: readonly Buffer[], nowUs: () => number): Promise<RoundTrip[]> {
  const keys = values.map((_, i) => `${redis.keyPrefix}:${group}:${i}`);
  const samples = values.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + ROUND_TRIP_ROUNDS; round++) {
    for (let i = 0; i < values.length; i++) {
      const startUs = nowUs();
      await redis.client.set(keys[i]!, values[i]!, 'PX', 60_000);
      await redis.client.getBuffer(keys[i]!);
      if (round >= WARMUP_ROUNDS) samples[i]!.push(nowUs() - startUs);
    }
  }
  const trips: RoundTrip[] = [];
  for (let i = 0; i < values.length; i++) {
    const sorted = samples[i]!.sort((a, b) => a - b);
    const usage = await redis.client.call('MEMORY', 'USAGE', keys[i]!);
    trips.push({ roundTripUs: sorted[sorted.length >> 1]!, redisBytes: Number(usage) });
  }
  return trips;
}
