import { join } from 'node:path';
import type { Comparison } from './comparison-types.js';
import { FORMAT_RENDERERS, type CompareFormat } from './formats/index.js';

/** The stem of each file when --out names a directory: `compare.md`, `compare.junit.xml`, ... */
export const OUT_DIR_STEM = 'compare';

/**
 * Which files `--out` means: with one format and a path that is not a directory, that path
 * (github-action-benchmark's two arrays: the path's stem plus `-smaller-is-better.json` and
 * `-bigger-is-better.json`); otherwise `<dir>/compare<suffix>` per part of every format.
 */
export function planOutputs(comparison: Comparison, formats: readonly CompareFormat[], out: string, outIsDirectory: boolean): { path: string; content: string }[] {
  const files: { path: string; content: string }[] = [];
  for (const format of formats) {
    const renderer = FORMAT_RENDERERS[format];
    const parts = renderer.parts(comparison);
    if (!outIsDirectory && formats.length === 1) {
      if (parts.length === 1) return [{ path: out, content: parts[0]!.content }];
      const stem = out.endsWith(renderer.extension) ? out.slice(0, -renderer.extension.length) : out;
      return parts.map((p) => ({ path: `${stem}${p.suffix}`, content: p.content }));
    }
    for (const part of parts) files.push({ path: join(out, `${OUT_DIR_STEM}${part.suffix}`), content: part.content });
  }
  return files;
}
