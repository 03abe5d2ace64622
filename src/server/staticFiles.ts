import * as fs from 'node:fs';
import * as path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file to send: its bytes and content type. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** What to load. */
export interface StaticOptions {
  /** Load `.map` files too (source maps show the sources: off by default). */
  readonly sourceMaps: boolean;
  /** Total bytes loaded at most; the rest is left out (a root pointed at a big folder must not fill memory). */
  readonly maxBytes?: number;
}

/** The files a server serves at `/`, held in memory. */
export interface StaticFiles {
  /** The file a URL path names (`/` → `index.html`), or `undefined`. */
  get(urlPath: string): StaticFile | undefined;
  readonly size: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** How often a miss may look at the root again (a flood of 404s must not become a flood of disk reads). */
const RECHECK_MS = 250;

/**
 * Reads every regular file under `root` into memory, keyed by its path relative to `root`. Each is
 * resolved by its real path: a symlink pointing outside the root is left out. A URL then only selects
 * among these keys, so no request reaches a file outside the root. A request for a file that is not
 * held looks at the root's modification time (at most every 250 ms) and reads the root again when
 * files were added or removed there since; a file rewritten in place is served as first read until
 * a restart.
 */
export function loadStaticFiles(root: string, options: StaticOptions): StaticFiles {
  let files = new Map<string, StaticFile>();
  let scannedMtime = -1;
  let checkedAt = 0;
  const rootMtime = (): number => {
    try {
      return fs.statSync(root).mtimeMs;
    } catch {
      return -1;
    }
  };
  const scan = (): void => {
    scannedMtime = rootMtime();
    files = readTree(root, options);
  };
  scan();
  return {
    get size() {
      return files.size;
    },
    get(urlPath) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
      } catch {
        return undefined;
      }
      const relative = (decoded.endsWith('/') ? `${decoded}index.html` : decoded).replace(/^\/+/, '');
      const held = files.get(relative);
      if (held !== undefined) return held;
      const now = Date.now();
      if (now - checkedAt < RECHECK_MS) return undefined;
      checkedAt = now;
      if (rootMtime() === scannedMtime) return undefined;
      scan();
      return files.get(relative);
    },
  };
}

/** Every regular file under `root` whose real path stays inside it, within the byte budget. */
function readTree(root: string, options: StaticOptions): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let base: string;
  try {
    base = fs.realpathSync(root);
  } catch {
    return files;
  }
  let budget = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const walk = (dir: string, prefix: string, depth: number): void => {
    if (depth > 16) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      let real: string;
      try {
        real = fs.realpathSync(path.join(dir, entry.name));
      } catch {
        continue;
      }
      if (real !== base && !real.startsWith(base + path.sep)) continue;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(real);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        walk(real, key, depth + 1);
        continue;
      }
      const ext = path.extname(entry.name).toLowerCase();
      if (!stat.isFile() || (ext === '.map' && !options.sourceMaps) || stat.size > budget) continue;
      try {
        const body = fs.readFileSync(real);
        budget -= body.length;
        files.set(key, { body, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' });
      } catch {
        continue;
      }
    }
  };
  walk(base, '', 0);
  return files;
}
