/** How many skipped lines are described one by one before only their count is kept. */
const SHOWN = 10;

/** Reports lines that hold no entry on standard error: the first few with their reason, then a count. */
export class BadLines {
  count = 0;

  constructor(private readonly command: string) {}

  /** One bad line, numbered from 1. */
  readonly report = (line: number, reason: string): void => {
    this.count += 1;
    if (this.count <= SHOWN) process.stderr.write(`pm-arb ${this.command}: line ${line} skipped: ${reason}\n`);
    else if (this.count === SHOWN + 1) process.stderr.write(`pm-arb ${this.command}: more lines skipped; only their count is reported\n`);
  };

  /** The closing line, when any was skipped. */
  summarize(): void {
    if (this.count > 0) process.stderr.write(`pm-arb ${this.command}: ${this.count} line(s) skipped\n`);
  }
}
