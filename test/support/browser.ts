import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const REQUIRED = process.env.REQUIRE_BROWSER === '1';

/** The flags every test browser gets: headless, no sandbox (root in CI), nothing fetched from outside. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium to drive: `CHROMIUM_PATH` when set, else Debian's; never a downloaded one. */
export function chromiumPath(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  const candidates = given !== undefined && given !== '' ? [given] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => existsSync(p));
}

/**
 * A launched headless Chromium, or a reason to skip when none is installed —
 * a failure instead under `REQUIRE_BROWSER=1`.
 */
export async function browserForTests(): Promise<Browser | { skip: string }> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    const given = process.env.CHROMIUM_PATH;
    const reason =
      given !== undefined && given !== ''
        ? `no Chromium at CHROMIUM_PATH=${given}`
        : 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)';
    if (REQUIRED) throw new Error(`REQUIRE_BROWSER=1 but ${reason}`);
    return { skip: reason };
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
