import { createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { commandConfig } from '../config';
import { BadLines } from './badLines';
import { exportLog } from './exportLog';
import { ImportError, importLog, type ImportSummary } from './importLog';
import { readLines } from './lineEntries';
import { openRedisLog } from './openLog';
import { LOG_EXPORT_OPTIONS, LOG_IMPORT_OPTIONS, LogExportConfig, LogImportConfig } from './options';

const USAGE = [
  'Usage: pm-arb log <export|import> [options]',
  '',
  '  export   write the log, one NDJSON entry per line (pos, channel, time, message or message_b64)',
  '  import   append NDJSON entries to a log, in order (they get that log\'s positions)',
  '',
  'pm-arb log <export|import> --help lists its options.',
  '',
].join('\n');

/** `pm-arb log export|import [options]`: backups of the log and moves between Redis instances. */
export async function runLogCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'export') return runExport(rest);
  if (action === 'import') return runImport(rest);
  if (action === '--help' || action === '-h' || action === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`${action === undefined ? 'pm-arb log: say export or import' : `pm-arb log: unknown action "${action}"`}\n\n${USAGE}`);
  return 2;
}

/** Exit 0 once every entry up to the head (as of the start) is written; 1 when the log cannot be read or the file written. */
async function runExport(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('log export', LogExportConfig, LOG_EXPORT_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const toFile = config.out !== '' && config.out !== '-';
  let out: Writable = process.stdout;
  try {
    const log = await openRedisLog(config.redisUrl, config.channelPrefix, true);
    try {
      if (toFile) {
        out = createWriteStream(config.out);
        await once(out, 'open');
      }
      const summary = await exportLog(log, out, config.batch);
      if (toFile) {
        out.end();
        await once(out, 'finish');
      }
      const range = summary.entries === 0 ? 'no entries' : `${summary.entries} entries (positions ${summary.first}..${summary.last})`;
      process.stderr.write(`pm-arb log export: ${range} of epoch ${summary.epoch}${toFile ? ` to ${config.out}` : ''}\n`);
      if (summary.first > 1) process.stderr.write(`pm-arb log export: the log starts at position ${summary.first}: older entries were trimmed\n`);
      return 0;
    } finally {
      await log.close();
    }
  } catch (error) {
    if (toFile) out.destroy();
    process.stderr.write(`pm-arb log export: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Exit 0 when every line was appended or refused as a duplicate; 1 when lines were skipped or an append failed. */
async function runImport(argv: readonly string[]): Promise<number> {
  const parsed = commandConfig('log import', LogImportConfig, LOG_IMPORT_OPTIONS, argv, process.env);
  if ('exit' in parsed) return parsed.exit;
  const { config } = parsed;
  const bad = new BadLines('log import');
  try {
    if (config.in !== '' && config.in !== '-') await access(config.in);
    const log = await openRedisLog(config.redisUrl, config.channelPrefix, false);
    try {
      const summary = await importLog(log, readLines(config.in), { window: config.window, onBadLine: bad.report });
      report(summary);
      bad.summarize();
      return bad.count > 0 ? 1 : 0;
    } finally {
      await log.close();
    }
  } catch (error) {
    if (error instanceof ImportError) report(error.summary);
    process.stderr.write(`pm-arb log import: ${(error as Error).message}\n`);
    return 1;
  }
}

function report(summary: ImportSummary): void {
  const positions = summary.appended === 0 ? '' : ` (positions ${summary.firstPos}..${summary.lastPos})`;
  process.stderr.write(`pm-arb log import: ${summary.appended} appended${positions}, ${summary.duplicates} refused as duplicates, ${summary.bad} bad line(s)\n`);
}
