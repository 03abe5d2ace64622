import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from '../../src/server/staticFiles';

describe('static files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pmarb-static-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(os.tmpdir(), 'pmarb-secret.txt'), 'secret');

  it('serves index.html at / and files with their content type', () => {
    expect(readStaticFile(root, '/')?.contentType).toBe('text/html; charset=utf-8');
    expect(readStaticFile(root, '/app.js?v=1')?.body.toString()).toBe('console.log(1)');
    expect(readStaticFile(root, '/app.js')?.contentType).toBe('text/javascript; charset=utf-8');
  });

  it('never leaves the root and answers nothing for missing files', () => {
    expect(readStaticFile(root, '/../pmarb-secret.txt')).toBeUndefined();
    expect(readStaticFile(root, '/%2e%2e/pmarb-secret.txt')).toBeUndefined();
    expect(readStaticFile(root, '/missing.js')).toBeUndefined();
    expect(readStaticFile(root, '/%E0%A4%A')).toBeUndefined();
    expect(readStaticFile(path.join(root, 'nope'), '/')).toBeUndefined();
  });
});
