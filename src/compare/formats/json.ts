import type { Comparison } from '../comparison-types.js';

/** Marks the document, so scripts can tell a comparison from a result file (which has `schemaVersion`). */
export const COMPARISON_FORMAT_VERSION = 1;

/** The comparison as data, with every per-result sample and interval (comparison-types.ts). */
export function renderJson(comparison: Comparison): string {
  return `${JSON.stringify({ kind: 'fcbench-comparison', formatVersion: COMPARISON_FORMAT_VERSION, ...comparison }, null, 2)}\n`;
}
