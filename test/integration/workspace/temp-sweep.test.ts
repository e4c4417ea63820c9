import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { sweepStaleTemps } from '../../../src/workspace/state/temp-sweep.js';

// The startup sweep of dead writers' temp files in the queue folders: a folder without subfolders is read by name
// (its listing shared with the queue repair and depths), one with subfolders with entry types; both find the same.

describe('sweepStaleTemps in the queue folders', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-sweep-'));
    outside = mkdtempSync(join(tmpdir(), 'millrace-sweep-outside-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('removes dead writers’ temps in leaf and nested folders, keeps live ones, folders and anything behind a link', async () => {
    const paths = workspacePaths(root);
    const deadPid = 2 ** 22 + 17; // above pid_max's default range: never a live process
    const queue = join(paths.runtimeRoot, 'tasks', 'queue');
    const done = join(paths.runtimeRoot, 'tasks', 'done');
    const nested = join(paths.runtimeRoot, 'specs', 'queue', 'stray', 'deeper');
    for (const dir of [queue, done, nested, join(paths.runtimeRoot, 'incidents', 'incoming')]) mkdirSync(dir, { recursive: true });
    const stale = [join(queue, `.T-1.md.${deadPid}-1.tmp`), join(nested, `.S-1.md.${deadPid}-2.tmp`), join(paths.runtimeRoot, 'specs', 'queue', `.S-2.md.${deadPid}-3.tmp`)];
    const kept = [join(queue, 'T-2.md'), join(done, `.T-3.md.${process.pid}-4.tmp`)];
    for (const file of [...stale, ...kept]) writeFileSync(file, 'x');
    for (let i = 0; i < 50; i += 1) writeFileSync(join(queue, `T-${100 + i}.md`), 'x');
    // A folder named like a temp file, and a link to a folder outside holding one: neither is touched.
    const tempNamedFolder = join(done, `.T-4.md.${deadPid}-5.tmp`);
    mkdirSync(tempNamedFolder);
    writeFileSync(join(outside, `.X.md.${deadPid}-6.tmp`), 'x');
    symlinkSync(outside, join(paths.runtimeRoot, 'incidents', 'incoming', 'linked'));

    const removed = await sweepStaleTemps(paths);
    expect(removed.sort()).toEqual(stale.map((file) => relative(root, file)).sort());
    for (const file of stale) expect(existsSync(file)).toBe(false);
    for (const file of [...kept, tempNamedFolder, join(outside, `.X.md.${deadPid}-6.tmp`)]) expect(existsSync(file)).toBe(true);
    expect(await sweepStaleTemps(paths)).toEqual([]);
  });
});
