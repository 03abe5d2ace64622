/** `pm-arb/<name>` → its source file, relative to the package root. */
export const ENTRIES: Readonly<Record<string, string>>;
/** Where the entry files go, relative to the package root. */
export const ENTRIES_DIR: string;
/** Builds every entry point (ES module, CommonJS, declarations for each) into `outdir`; resolves to it. */
export function buildEntries(options?: { entries?: Readonly<Record<string, string>>; outdir?: string }): Promise<string>;
