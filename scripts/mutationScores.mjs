// After `stryker run`: the mutation score per folder, read from the JSON report.
// `--survivors` also lists every mutant that survived or had no test, file:line first.
// Exits 1 when a core folder scores below the floor (docs/MUTATION.md).
import { readFileSync } from 'node:fs';

const REPORT = process.env.MUTATION_REPORT ?? 'reports/mutation/mutation.json';
const FLOOR = 90;
/** Folders held to the floor; the pure server files are reported, not held. */
const CORE = ['src/events', 'src/projections', 'src/pipeline', 'src/client'];
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const folders = new Map();
const survivors = [];
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const folder = file.split('/').slice(0, 2).join('/');
  const counts = folders.get(folder) ?? { detected: 0, undetected: 0, ignored: 0, errors: 0 };
  for (const m of mutants) {
    if (DETECTED.has(m.status)) counts.detected++;
    else if (UNDETECTED.has(m.status)) {
      counts.undetected++;
      const line = m.location.start.line;
      const text = source.split('\n')[line - 1]?.trim() ?? '';
      survivors.push(`${file}:${line} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}  ←  ${text.slice(0, 100)}`);
    } else if (m.status === 'Ignored') counts.ignored++;
    else counts.errors++;
  }
  folders.set(folder, counts);
}

const score = (c) => (c.detected + c.undetected === 0 ? 100 : (100 * c.detected) / (c.detected + c.undetected));
const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
const total = rows.reduce(
  (t, [, c]) => ({ detected: t.detected + c.detected, undetected: t.undetected + c.undetected, ignored: t.ignored + c.ignored, errors: t.errors + c.errors }),
  { detected: 0, undetected: 0, ignored: 0, errors: 0 },
);
const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log(`${pad('folder', 18)}${num('score', 8)}${num('detected', 10)}${num('survived', 10)}${num('ignored', 9)}${num('errors', 8)}`);
for (const [folder, c] of [...rows, ['total', total]]) {
  console.log(`${pad(folder, 18)}${num(score(c).toFixed(2) + '%', 8)}${num(c.detected, 10)}${num(c.undetected, 10)}${num(c.ignored, 9)}${num(c.errors, 8)}`);
}
console.log('(score = detected / (detected + survived); detected = killed or timed out; survived includes mutants no test reaches)');

if (process.argv.includes('--survivors')) for (const line of survivors.sort()) console.log(line);

const low = CORE.filter((folder) => folders.has(folder) && score(folders.get(folder)) < FLOOR);
if (low.length > 0) {
  console.error(`below ${FLOOR}%: ${low.join(', ')}`);
  process.exit(1);
}
