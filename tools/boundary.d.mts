export const FORBIDDEN_DIRS: string[];
export const FORBIDDEN_PACKAGES: string[];
export const BUNDLE_MARKERS: string[];
export interface ImportViolation {
  /** Files from the entry to the one that imports (relative to src/'s parent). */
  chain: string[];
  specifier: string;
  reason: string;
}
export function valueImports(file: string, text?: string): string[];
export function importViolations(options: { srcDir: string; entries: string[]; forbiddenDirs?: string[]; forbiddenPackages?: string[] }): ImportViolation[];
export function sourceFiles(dir: string): string[];
export function bundleMarkers(text: string, markers?: string[]): string[];
export function scanContentScripts(outputDir: string, markers?: string[]): { files: string[]; found: { file: string; marker: string }[] };
