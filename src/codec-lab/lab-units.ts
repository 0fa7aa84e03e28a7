import { badInput } from '../errors.js';
import { parseSizeBytes } from '../scenario/units.js';

/** `256B,1KB,4KB` -> [256, 1024, 4096] (K = 1024, as everywhere in fcbench); bad input names `--sizes`. */
export function parseSizeList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  return parts.map((part) => {
    let bytes: number;
    try {
      bytes = parseSizeBytes(part);
    } catch (error) {
      throw badInput(`--sizes ${text}: ${(error as Error).message}`);
    }
    if (bytes < 1) throw badInput(`--sizes ${text}: ${JSON.stringify(part)} must be at least 1 byte`);
    return bytes;
  });
}

/** Network rate units, bits per second. Decimal (as links are sold): 1 Gbit = 10^9 bit/s. */
const RATE_UNITS: Readonly<Record<string, number>> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  bps: 1,
  kbps: 1e3,
  mbps: 1e6,
  gbps: 1e9,
  tbps: 1e12,
};
const RATE_RE = /^(\d+(?:\.\d+)?)\s*([a-z]+)(?:\/s)?$/i;

/** `10Gbit` (also `10Gbit/s`, `10Gbps`, `100Mbit`) -> bits per second; anything else is bad input naming `--bandwidth`. */
export function parseBandwidth(text: string): number {
  const match = RATE_RE.exec(text.trim());
  const factor = match === null ? undefined : RATE_UNITS[match[2]!.toLowerCase()];
  const value = match === null ? Number.NaN : Number(match[1]) * (factor ?? Number.NaN);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw badInput(`--bandwidth ${text}: expected a rate such as 10Gbit, 1Gbit/s, 100Mbit or 25Gbps (bits per second, K/M/G/T = 1000)`);
  }
  return value;
}
