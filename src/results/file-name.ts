/**
 * File names derived from user-controlled text (scenario names, variant labels). The stem keeps
 * only `[A-Za-z0-9._-]`, never starts with a dot and never contains `..`, so `path.join(dir, stem)`
 * always lands inside `dir` whatever the scenario is called.
 */
export function safeFileStem(text: string, maxLength = 80): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, maxLength)
    .replace(/[.-]+$/g, '');
  return cleaned === '' ? 'scenario' : cleaned;
}

/** `20261125T201505Z`: sortable, no characters that need quoting on any file system. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `<safe-name>[-<variant>][-trial<i>of<n>][-shard<i>of<n>]-<UTC stamp>` without extension. The trial
 * and shard parts keep runs that start in the same second (short trials, the shards of one run
 * writing to one folder) from overwriting each other.
 */
export function resultStem(
  scenarioName: string,
  variant: string,
  startedAt: Date,
  trial?: { index: number; of: number },
  shard?: { index: number; count: number },
): string {
  const parts = [safeFileStem(scenarioName)];
  if (variant !== '') parts.push(safeFileStem(variant, 60));
  if (trial !== undefined) parts.push(`trial${trial.index}of${trial.of}`);
  if (shard !== undefined) parts.push(`shard${shard.index}of${shard.count}`);
  parts.push(utcStamp(startedAt));
  return parts.join('-');
}
