import type { StaleReason, Tier, Trace } from '../cascade/trace.js';

/**
 * The W3C `Server-Timing` response header as fcbench's serving contract (docs/service-contract.md):
 *
 *     Server-Timing: tier;desc="redis", local;dur=0.004, redis;dur=0.21, source;dur=0
 *
 * `tier` names the tier that served (`local`, `redis`, `source`); `local`, `redis`, `source`,
 * `decode`, `encode` and `lock` are step durations in ms; `stale;desc="soft-expired"` marks a
 * value served stale. Other metrics a service adds (`db;dur=3`) are ignored. fcbench's own replicas
 * emit it and the HTTP drivers parse it, so builtin and external targets share one code path.
 * Pure: no I/O, no clock.
 */

export const SERVER_TIMING_HEADER = 'server-timing';

/** Step durations in ms read from (or written to) the header; 0 = the step did not run. */
export interface StepTimingsMs {
  local: number;
  redis: number;
  source: number;
  decode: number;
  encode: number;
  lock: number;
}

export const STEP_NAMES: readonly (keyof StepTimingsMs)[] = ['local', 'redis', 'source', 'decode', 'encode', 'lock'];
const TIERS: readonly Tier[] = ['local', 'redis', 'source'];
const STALE_REASONS: readonly StaleReason[] = ['soft-expired', 'outdated', 'uncommitted'];

export interface ServerTiming {
  tier: Tier;
  stale: StaleReason | false;
  stepsMs: StepTimingsMs;
}

/** `absent`: no header (only end-to-end latency is known); `malformed`: counted, never thrown. */
export type ParsedServerTiming = { kind: 'ok'; timing: ServerTiming } | { kind: 'absent' } | { kind: 'malformed'; reason: string };

/**
 * µs -> ms at 0.1 µs precision, without float noise (`0.004`, not `0.0040000001`): a local hit's
 * lookup takes well under a microsecond, and rounding it to whole µs would record it as 0 (not run).
 */
function ms(us: number): string {
  return String(Math.round(us * 10) / 10_000);
}

/** The header for one served request, from the cascade's trace (only tiers and steps that ran beyond the three tiers). */
export function formatServerTiming(trace: Trace): string {
  const us = trace.us;
  let header = `tier;desc="${trace.servedBy}", local;dur=${ms(us.localGet)}, redis;dur=${ms(us.redisGet)}, source;dur=${ms(us.sourceFetch)}`;
  if (us.decode > 0) header += `, decode;dur=${ms(us.decode)}`;
  if (us.encode > 0) header += `, encode;dur=${ms(us.encode)}`;
  if (us.lockWait > 0) header += `, lock;dur=${ms(us.lockWait)}`;
  if (trace.stale !== false) header += `, stale;desc="${trace.stale}"`;
  return header;
}

/** One metric of the header: its name and params (`dur`, `desc`, others). */
interface Metric {
  name: string;
  params: Map<string, string>;
}

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Splits on `sep` outside double quotes (a `desc` may contain commas and semicolons). */
function splitOutsideQuotes(text: string, sep: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text.charAt(++i);
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) return null;
  parts.push(current);
  return parts;
}

function unquote(value: string): string | null {
  if (!value.startsWith('"')) return TOKEN_RE.test(value) ? value : null;
  if (value.length < 2 || !value.endsWith('"')) return null;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

function parseMetrics(header: string): Metric[] | string {
  const entries = splitOutsideQuotes(header, ',');
  if (entries === null) return 'unclosed quote';
  const metrics: Metric[] = [];
  for (const rawEntry of entries) {
    const entry = rawEntry.trim();
    if (entry === '') continue; // `a, , b`: empty list members are allowed by the list syntax
    const pieces = splitOutsideQuotes(entry, ';')!;
    const name = pieces[0]!.trim();
    if (!TOKEN_RE.test(name)) return `bad metric name ${JSON.stringify(name.slice(0, 40))}`;
    const params = new Map<string, string>();
    for (const rawParam of pieces.slice(1)) {
      const param = rawParam.trim();
      const eq = param.indexOf('=');
      const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
      if (!TOKEN_RE.test(key)) return `bad parameter in ${name}`;
      const value = eq < 0 ? '' : unquote(param.slice(eq + 1).trim());
      if (value === null) return `bad value of ${name};${key}`;
      // The spec keeps the first occurrence of a parameter.
      if (!params.has(key)) params.set(key, value);
    }
    metrics.push({ name, params });
  }
  return metrics;
}

/**
 * Reads fcbench's metrics out of a `Server-Timing` header (several header lines are one list, as
 * HTTP says). Malformed: a syntax error, a `dur` that is not a finite number >= 0 on a step, or no
 * usable `tier`. Never throws: a service's bad header is counted by the caller, not a crash.
 */
export function parseServerTiming(header: string | readonly string[] | undefined | null): ParsedServerTiming {
  if (header === undefined || header === null) return { kind: 'absent' };
  const text = typeof header === 'string' ? header : header.join(', ');
  if (text.trim() === '') return { kind: 'absent' };
  const metrics = parseMetrics(text);
  if (typeof metrics === 'string') return { kind: 'malformed', reason: metrics };
  const stepsMs: StepTimingsMs = { local: 0, redis: 0, source: 0, decode: 0, encode: 0, lock: 0 };
  const seen = new Set<string>();
  let tier: Tier | null = null;
  let stale: StaleReason | false = false;
  for (const { name, params } of metrics) {
    const lower = name.toLowerCase();
    // First occurrence wins, as for parameters: a repeated metric does not overwrite.
    if (seen.has(lower)) continue;
    seen.add(lower);
    if (lower === 'tier') {
      const desc = params.get('desc');
      if (desc === undefined || !(TIERS as readonly string[]).includes(desc)) {
        return { kind: 'malformed', reason: `tier;desc must be local, redis or source (got ${JSON.stringify((desc ?? '').slice(0, 40))})` };
      }
      tier = desc as Tier;
    } else if (lower === 'stale') {
      const desc = params.get('desc') ?? 'soft-expired';
      stale = (STALE_REASONS as readonly string[]).includes(desc) ? (desc as StaleReason) : 'soft-expired';
    } else if ((STEP_NAMES as readonly string[]).includes(lower)) {
      const dur = params.get('dur');
      if (dur === undefined) continue;
      const value = Number(dur);
      if (dur === '' || !Number.isFinite(value) || value < 0) return { kind: 'malformed', reason: `${lower};dur is not a duration in ms (got ${JSON.stringify(dur.slice(0, 40))})` };
      stepsMs[lower as keyof StepTimingsMs] = value;
    }
  }
  if (tier === null) return { kind: 'malformed', reason: 'no tier metric' };
  return { kind: 'ok', timing: { tier, stale, stepsMs } };
}

/**
 * Fills a (reset) trace from a parsed header, as the in-process cascade would have: the serving
 * tier and the outcomes its position implies (served by redis = local missed), step times in µs,
 * an origin call only where `source;dur` > 0, a wait where `lock;dur` > 0.
 */
export function fillTraceFromTiming(trace: Trace, timing: ServerTiming): void {
  trace.servedBy = timing.tier;
  const o = trace.outcome;
  const hit = timing.stale === false ? 'hit' : 'stale';
  if (timing.tier === 'local') {
    o.local = hit;
  } else if (timing.tier === 'redis') {
    o.local = 'miss';
    o.redis = hit;
  } else {
    o.local = 'miss';
    o.redis = 'miss';
    o.source = 'hit';
  }
  const s0 = timing.stepsMs;
  // Served by the source without calling it (`source;dur=0`, a `lock` wait): this request joined
  // another's fetch (single-flight, lock), so it is no origin call, as in-process.
  trace.originCalls = timing.tier === 'source' && s0.source > 0 ? 1 : 0;
  trace.waited = s0.lock > 0;
  trace.stale = timing.stale;
  const s = timing.stepsMs;
  const us = trace.us;
  us.localGet = s.local * 1000;
  us.redisGet = s.redis * 1000;
  us.sourceFetch = s.source * 1000;
  us.decode = s.decode * 1000;
  us.encode = s.encode * 1000;
  us.lockWait = s.lock * 1000;
}
