import { newTrace, type Trace } from '../../src/cascade/trace.js';

/** A hand-built trace: start from an empty one and override what the case needs. */
export function trace(fields: Partial<Omit<Trace, 'outcome' | 'us'>> & { outcome?: Partial<Trace['outcome']>; us?: Partial<Trace['us']> }): Trace {
  const t = newTrace();
  const { outcome, us, ...rest } = fields;
  Object.assign(t, rest);
  Object.assign(t.outcome, outcome);
  Object.assign(t.us, us);
  return t;
}

export const localHit = (key = 'k'): Trace => trace({ key, servedBy: 'local', outcome: { local: 'hit' }, us: { localGet: 1 } });
export const redisHit = (key = 'k'): Trace =>
  trace({ key, servedBy: 'redis', outcome: { local: 'miss', redis: 'hit' }, us: { localGet: 1, redisGet: 80, decode: 20 } });
/** A get that fetched from the source itself (originCalls 1). */
export const fetched = (key = 'k'): Trace =>
  trace({
    key,
    servedBy: 'source',
    outcome: { local: 'miss', redis: 'miss', source: 'hit' },
    originCalls: 1,
    rawBytes: 1000,
    encodedBytes: 500,
    us: { localGet: 1, redisGet: 80, sourceFetch: 8000, encode: 5, redisSet: 70 },
  });
/** A get that waited for another caller's fetch (single-flight join). */
export const waiter = (key = 'k'): Trace =>
  trace({ key, servedBy: 'source', outcome: { local: 'miss', redis: 'miss' }, waited: true, us: { lockWait: 7000 } });
