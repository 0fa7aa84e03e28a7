/**
 * The Zipf exponent of a log by maximum likelihood on its rank-frequency table. Keys are ranked
 * by count; only the head where counts are large enough for the ranking to be right is used (ties
 * of ones and twos in the tail are ranked by chance, and unseen keys are missing altogether), with
 * the likelihood conditioned on that head: p(r | r <= K) = r^-s / H(K, s). The 95% interval is from
 * the Fisher information, n Var_s(ln r). Pure.
 */
export interface ZipfFit {
  exponent: number;
  low: number;
  high: number;
  /** Ranks (keys) the fit used. */
  ranks: number;
  /** Requests those ranks hold. */
  requests: number;
}

/** Keys seen at least this often form the fitted head. */
export const MIN_FIT_COUNT = 10;
const MIN_RANKS = 10;
const S_MIN = 0.01;
const S_MAX = 4;

/** `counts` sorted in descending order. Null when fewer than 10 keys were seen 10 times. */
export function fitZipf(counts: ArrayLike<number>, minCount = MIN_FIT_COUNT): ZipfFit | null {
  let ranks = 0;
  while (ranks < counts.length && counts[ranks]! >= minCount) ranks++;
  if (ranks < MIN_RANKS) return null;
  const logs = new Float64Array(ranks);
  let n = 0;
  let sumLog = 0;
  for (let r = 0; r < ranks; r++) {
    logs[r] = Math.log(r + 1);
    n += counts[r]!;
    sumLog += counts[r]! * logs[r]!;
  }
  const meanLog = sumLog / n;
  // The score is meanLog - E_s[ln r], decreasing in s: bisect its root.
  const moments = (s: number): { mean: number; variance: number } => {
    let h = 0;
    let m1 = 0;
    let m2 = 0;
    for (let r = 0; r < ranks; r++) {
      const w = Math.exp(-s * logs[r]!);
      h += w;
      m1 += w * logs[r]!;
      m2 += w * logs[r]! * logs[r]!;
    }
    const mean = m1 / h;
    return { mean, variance: m2 / h - mean * mean };
  };
  let low = S_MIN;
  let high = S_MAX;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (moments(mid).mean > meanLog) low = mid;
    else high = mid;
  }
  const exponent = (low + high) / 2;
  const se = 1 / Math.sqrt(n * Math.max(1e-12, moments(exponent).variance));
  return { exponent, low: exponent - 1.96 * se, high: exponent + 1.96 * se, ranks, requests: n };
}
