/** Removes `key` from <outDir>/manifest.json; true when there was one. */
export function stripManifestKey(outDir: string): Promise<boolean>;
