import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';

/** One line of the plot: label and (x, y) points. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

const UPLOT_DIR = join(__dirname, '..', '..', 'node_modules', 'uplot', 'dist');

/** A self-contained HTML page drawing the series with uPlot on log–log axes. */
export function plotPage(title: string, xLabel: string, yLabel: string, series: readonly Series[], limitY?: number): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const columns = series.map((s) => xs.map((x) => s.points.find(([px]) => px === x)?.[1] ?? null));
  const data = [xs, ...columns, ...(limitY !== undefined ? [xs.map(() => limitY)] : [])];
  const uplotSeries = [
    {},
    ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true, points: { size: 7 } })),
    ...(limitY !== undefined ? [{ label: `p99 limit ${limitY} ms`, stroke: '#999', dash: [6, 4], width: 1, points: { show: false } }] : []),
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><style>${readFileSync(join(UPLOT_DIR, 'uPlot.min.css'), 'utf8')}
body{font-family:sans-serif;margin:16px;background:#fff} h3{margin:0 0 8px 0}</style></head><body><h3>${title}</h3><div id="chart"></div>
<script>${readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js'), 'utf8')}</script>
<script>
const data = ${JSON.stringify(data)};
new uPlot({ width: 900, height: 480, legend: { live: false }, scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
  axes: [{ label: ${JSON.stringify(xLabel)} }, { label: ${JSON.stringify(yLabel)}, size: 70 }],
  series: ${JSON.stringify(uplotSeries)} }, data, document.getElementById('chart'));
document.body.dataset.ready = '1';
</script></body></html>`;
}

/** Renders the page with headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser) to a PNG. */
export async function renderPng(html: string, pngPath: string): Promise<void> {
  const htmlPath = join(tmpdir(), `${basename(pngPath, '.png')}-${process.pid}.html`);
  writeFileSync(htmlPath, html);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 940, height: 560 } });
    await page.goto(`file://${htmlPath}`);
    await page.waitForSelector('body[data-ready="1"]');
    await page.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await browser.close();
  }
}
