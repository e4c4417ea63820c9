import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentCounter } from '../../../src/workspace/queue/folder-count.js';

// The runtime's queue depths: a folder is counted again whenever a name in it was added, removed or renamed.

describe('createDocumentCounter', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-count-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const age = (dir: string) => utimesSync(dir, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

  it('counts *.md names, and counts again after each add, removal and rename, also of a folder changed long ago', () => {
    const dir = join(root, 'queue');
    mkdirSync(dir);
    for (const name of ['a.md', 'b.md', 'notes.txt']) writeFileSync(join(dir, name), 'x');
    age(dir);
    const count = createDocumentCounter();
    expect(count(dir)).toBe(2);
    expect(count(dir)).toBe(2);
    writeFileSync(join(dir, 'c.md'), 'x');
    expect(count(dir)).toBe(3);
    age(dir);
    expect(count(dir)).toBe(3);
    rmSync(join(dir, 'a.md'));
    expect(count(dir)).toBe(2);
    age(dir);
    count(dir);
    renameSync(join(dir, 'notes.txt'), join(dir, 'notes.md'));
    expect(count(dir)).toBe(3);
    age(dir);
    count(dir);
    // The mtime put back where it was: the ctime still tells.
    const before = new Date(Date.now() - 60_000);
    renameSync(join(dir, 'notes.md'), join(dir, 'notes.txt'));
    utimesSync(dir, before, before);
    expect(count(dir)).toBe(2);
  });

  it('a missing folder counts 0, and its documents once it appears; a folder replaced by another is counted anew', () => {
    const dir = join(root, 'queue');
    const count = createDocumentCounter();
    expect(count(dir)).toBe(0);
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.md'), 'x');
    age(dir);
    expect(count(dir)).toBe(1);
    const other = join(root, 'other');
    mkdirSync(other);
    for (const name of ['x.md', 'y.md']) writeFileSync(join(other, name), 'x');
    age(other);
    rmSync(dir, { recursive: true });
    renameSync(other, dir);
    expect(count(dir)).toBe(2);
    rmSync(dir, { recursive: true });
    expect(count(dir)).toBe(0);
  });
});
