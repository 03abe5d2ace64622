/** Builds the dashboard into `outdir` (default dist/dashboard); resolves to the output folder. */
export function buildDashboard(options?: { outdir?: string; minify?: boolean }): Promise<string>;
