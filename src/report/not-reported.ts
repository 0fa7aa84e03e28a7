/**
 * Said instead of a figure the result's cascade implementation could not give (its path is in
 * `implementation.notReported` and its value is null): never a dash that reads as "none", never 0.
 */
export const NOT_REPORTED = 'not reported by this implementation';

/** The figure formatted, or {@link NOT_REPORTED} when the result holds null for it (typed as a number, the document says null). */
export function orNotReported<T>(value: T | null | undefined, format: (value: T) => string): string {
  return value === null || value === undefined ? NOT_REPORTED : format(value);
}
