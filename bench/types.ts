/** One section of `npm run bench`: a table of rows plus notes (ratios against a baseline measured in the same run). */
export interface BenchSection {
  title: string;
  rows: Array<Record<string, string | number>>;
  notes: string[];
}
