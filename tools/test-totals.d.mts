export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  problems: string[];
}
export function countVitest(report: unknown, root?: string): Counts;
export function countPlaywright(report: unknown): Counts;
