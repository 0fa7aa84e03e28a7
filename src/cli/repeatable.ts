/** Commander option parser for repeatable flags (`--set a=1 --set b=2`). */
export function collectRepeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
