import { readFileSync } from 'node:fs';
import { badInput } from '../errors.js';
import type { KeySampler } from './types.js';

/**
 * Trace replay: a recorded key sequence, one entity per line. A line of decimal digits is an
 * entity index and is normalised to our id format (`"007"` -> `"7"`, the same string
 * `entityId(7)` gives); any other line is an opaque entity id, kept as written (trimmed).
 * Blank lines are skipped.
 */
export interface TraceKeys {
  /** File the trace came from, for messages. */
  readonly file: string;
  /** Distinct ids in order of first appearance. */
  readonly ids: readonly string[];
  /** The replay order: positions into `ids`, one per trace line. */
  readonly sequence: Uint32Array;
  /** Occurrences of each id in the trace, aligned with `ids`. */
  readonly counts: Uint32Array;
}

const DIGITS = /^\d+$/;

/** `"007"` -> `"7"` (our id format for a decimal entity index); any other id as it is. */
export function normaliseId(line: string): string {
  if (DIGITS.test(line)) {
    const index = Number(line);
    if (Number.isSafeInteger(index)) return String(index);
  }
  return line;
}

/** Parses trace text. Pure; `file` only names the source in errors. */
export function parseTrace(text: string, file: string): TraceKeys {
  const positionOf = new Map<string, number>();
  const ids: string[] = [];
  const counts: number[] = [];
  const sequence: number[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const id = normaliseId(line);
    let position = positionOf.get(id);
    if (position === undefined) {
      position = ids.length;
      positionOf.set(id, position);
      ids.push(id);
      counts.push(0);
    }
    counts[position] = (counts[position] as number) + 1;
    sequence.push(position);
  }
  if (sequence.length === 0) {
    throw badInput(`${file}: trace file has no entries (expected one entity id per line)`);
  }
  return { file, ids, sequence: Uint32Array.from(sequence), counts: Uint32Array.from(counts) };
}

/**
 * Reads and parses a trace file. Synchronous on purpose: it runs once while a workload is built,
 * never on the request path, and keeps key-chooser construction synchronous.
 */
export function readTraceFile(file: string): TraceKeys {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw badInput(`${file}: cannot read trace file (${reason}); check distribution.file`);
  }
  return parseTrace(text, file);
}

/**
 * Replays a trace in order. `next` returns a position into `trace.ids`; at the end it wraps to
 * the start when `loop` is true, otherwise returns -1 ("done") from then on. It ignores the rng:
 * a trace is its own randomness.
 */
export class TraceReplaySampler implements KeySampler {
  private cursor = 0;

  constructor(
    readonly trace: TraceKeys,
    readonly loop: boolean,
  ) {}

  next(): number {
    const sequence = this.trace.sequence;
    if (this.cursor >= sequence.length) {
      if (!this.loop) return -1;
      this.cursor = 0;
    }
    return sequence[this.cursor++] as number;
  }
}

/** Positions into `trace.ids`, most frequent first; ties keep first-appearance order. */
export function tracePositionsByFrequency(trace: TraceKeys): number[] {
  const positions = Array.from({ length: trace.ids.length }, (_, i) => i);
  const counts = trace.counts;
  // Array.prototype.sort is stable, so equal counts stay in first-appearance order.
  return positions.sort((a, b) => (counts[b] as number) - (counts[a] as number));
}
