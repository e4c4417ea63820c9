import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderEntryNames, listJsonNames } from '../../../src/workspace/folder-entries.js';

describe('folder entries', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'json-names-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the *.json entries of any type, sorted by code unit, and nothing else', () => {
    for (const name of ['b.json', 'a.json', 'B.json', 'c.json.tmp', 'notes.md']) writeFileSync(join(dir, name), '{}');
    mkdirSync(join(dir, 'd.json'));
    expect(listJsonNames(dir)).toEqual(['B.json', 'a.json', 'b.json', 'd.json']);
  });

  it('gives none for a missing folder, and throws other errors only when asked', () => {
    expect(listJsonNames(join(dir, 'missing'))).toEqual([]);
    expect(listJsonNames(join(dir, 'missing'), { throwUnlessMissing: true })).toEqual([]);
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(listJsonNames(file)).toEqual([]);
    expect(() => listJsonNames(file, { throwUnlessMissing: true })).toThrow(/ENOTDIR/);
    expect(() => folderEntryNames(file)).toThrow(/ENOTDIR/);
    expect(folderEntryNames(file, { quiet: true })).toEqual([]);
    expect(folderEntryNames(join(dir, 'missing'))).toEqual([]);
  });
});
