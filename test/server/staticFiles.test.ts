import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStaticFiles } from '../../src/server/staticFiles';

describe('static files', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pmarb-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pmarb-static-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'app.js.map'), '{"sources":["secret.ts"]}');
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'sub', 'index.html'), 'sub');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
  fs.symlinkSync(outside, path.join(root, 'linked-dir'));
  fs.symlinkSync(path.join(root, 'app.js'), path.join(root, 'alias.js'));
  const files = loadStaticFiles(root, { sourceMaps: false });

  it('serves index.html at / and files with their content type', () => {
    expect(files.get('/')?.contentType).toBe('text/html; charset=utf-8');
    expect(files.get('/app.js?v=1')?.body.toString()).toBe('console.log(1)');
    expect(files.get('/app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(files.get('/sub/')?.body.toString()).toBe('sub');
  });

  it('never leaves the root and answers nothing for missing files', () => {
    expect(files.get('/../pmarb-secret.txt')).toBeUndefined();
    expect(files.get('/%2e%2e/secret.txt')).toBeUndefined();
    expect(files.get('/missing.js')).toBeUndefined();
    expect(files.get('/%E0%A4%A')).toBeUndefined();
    expect(files.get('/%')).toBeUndefined();
    expect(loadStaticFiles(path.join(root, 'nope'), { sourceMaps: false }).get('/')).toBeUndefined();
  });

  it('leaves out symlinks whose real path is outside the root, keeps those inside', () => {
    expect(files.get('/link.txt')).toBeUndefined();
    expect(files.get('/linked-dir/secret.txt')).toBeUndefined();
    expect(files.get('/alias.js')?.body.toString()).toBe('console.log(1)');
  });

  it('serves source maps only when asked', () => {
    expect(files.get('/app.js.map')).toBeUndefined();
    expect(loadStaticFiles(root, { sourceMaps: true }).get('/app.js.map')?.contentType).toBe('application/json');
  });

  it('reads the root again when a missing file is asked for and files were added there since', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmarb-static-add-'));
    const loaded = loadStaticFiles(dir, { sourceMaps: false });
    expect(loaded.get('/late.js')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    fs.writeFileSync(path.join(dir, 'late.js'), 'late');
    expect(loaded.get('/late.js')?.body.toString()).toBe('late');
  });

  it('serves from memory: a file changed or deleted after loading is served as loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmarb-static-mem-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'first');
    const loaded = loadStaticFiles(dir, { sourceMaps: false });
    fs.rmSync(path.join(dir, 'a.txt'));
    expect(loaded.get('/a.txt')?.body.toString()).toBe('first');
  });
});
