import type { IncomingMessage, ServerResponse } from 'node:http';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import type { Cascade } from '../cascade/cascade.js';
import type { Clock } from '../cascade/clock.js';
import type { ErrorKind, Trace } from '../cascade/trace.js';
import { mergeTraces } from '../load/merge-traces.js';
import { TracePool } from '../load/trace-pool.js';
import type { Recorder } from '../metrics/recorder.js';
import { formatServerTiming } from './server-timing.js';

/**
 * `GET /features/{entity}?sets=a,b` on one replica: the real cascade behind node:http, the
 * response as JSON or MessagePack by `Accept`, the `Server-Timing` header of the serving contract,
 * and the request recorded in the replica's own recorder. A local hit stays synchronous from the
 * request event to `res.end`.
 */
export interface FeatureHandlerDeps {
  cascade: Cascade;
  recorder: Recorder;
  clock: Clock;
  replicaId: number;
  /** Feature sets served, in scenario order; a request without `sets` gets the first. */
  featureSets: readonly string[];
}

const FEATURES_PREFIX = '/features/';

export function createFeatureHandler(deps: FeatureHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { cascade, recorder, clock, replicaId } = deps;
  const known = new Set(deps.featureSets);
  const defaultSets = [deps.featureSets[0]!];
  const pool = new TracePool();

  const reply = (res: ServerResponse, msgpack: boolean, status: number, body: unknown, timing: string | null): void => {
    const payload = msgpack ? encodeMsgpack(body) : JSON.stringify(body);
    if (timing !== null) res.setHeader('Server-Timing', timing);
    res.writeHead(status, { 'Content-Type': msgpack ? 'application/msgpack' : 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'GET' || !url.startsWith(FEATURES_PREFIX)) return reply(res, false, 404, { error: 'not found: GET /features/{entity}?sets=a,b' }, null);
    const query = url.indexOf('?');
    let entity: string;
    try {
      entity = decodeURIComponent(url.slice(FEATURES_PREFIX.length, query < 0 ? undefined : query));
    } catch {
      return reply(res, false, 400, { error: 'bad entity encoding' }, null);
    }
    const parsedSets = query < 0 ? null : setsOf(url.slice(query + 1));
    // A malformed %-escape is the client's error, never an exception that takes the replica down.
    if (parsedSets === 'malformed') return reply(res, false, 400, { error: 'bad sets encoding' }, null);
    const sets = parsedSets ?? defaultSets;
    const unknown = sets.find((s) => !known.has(s));
    const msgpack = (req.headers.accept ?? '').includes('msgpack');
    if (entity === '' || unknown !== undefined) return reply(res, msgpack, 404, { error: unknown === undefined ? 'no entity' : `unknown feature set ${unknown}` }, null);

    const traces = sets.map(() => pool.acquire());
    const startUs = clock.nowUs();
    const finish = (values: unknown, error: unknown): void => {
      const trace = sets.length === 1 ? traces[0]! : mergeTraces(traces);
      if (error !== undefined) {
        trace.failed = true;
        trace.errorKind ??= (error as { kind?: ErrorKind }).kind ?? 'local-error';
      }
      recorder.record(trace, startUs, startUs, clock.nowUs(), replicaId);
      const timing = trace.failed ? null : formatServerTiming(trace);
      if (error !== undefined) reply(res, msgpack, 503, { error: trace.errorKind }, timing);
      else reply(res, msgpack, 200, sets.length === 1 ? { entity, features: { [sets[0]!]: values } } : { entity, features: Object.fromEntries(sets.map((s, i) => [s, (values as unknown[])[i]])) }, timing);
      for (const t of traces) pool.release(t);
    };
    let result: unknown;
    try {
      result = sets.length === 1 ? cascade.get(entity, sets[0]!, traces[0] as Trace) : cascade.getMany(entity, sets, traces);
    } catch (error) {
      return finish(undefined, error ?? new Error('failed'));
    }
    if (result instanceof Promise) result.then((values: unknown) => finish(values, undefined), (error: unknown) => finish(undefined, error ?? new Error('failed')));
    else finish(result, undefined);
  };
}

/** `sets=a,b` (URL-encoded commas too); null when the query has no `sets`, 'malformed' for a bad %-escape. */
function setsOf(query: string): string[] | null | 'malformed' {
  for (const part of query.split('&')) {
    if (!part.startsWith('sets=')) continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(5));
    } catch {
      return 'malformed';
    }
    const sets = value.split(',').filter((s) => s !== '');
    return sets.length === 0 ? null : sets;
  }
  return null;
}
