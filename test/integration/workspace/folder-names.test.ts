import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderNames } from '../../../src/workspace/queue/folder-names.js';

// A queue folder's names, read once per process while the folder is unchanged (the runtime's start lists each queue
// folder for its repair and counts it for the queue depths right after).

/** Until the folder's last change (mtime and ctime) is older than the racy window (100 ms): a condition, polled. */
async function untilSettled(dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const stat = statSync(dir, { bigint: true });
    const now = BigInt(Date.now()) * 1_000_000n;
    if (now - stat.ctimeNs > 150_000_000n && now - stat.mtimeNs > 150_000_000n) return;
    if (Date.now() > deadline) throw new Error(`${dir} did not settle`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('folderNames', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-folder-names-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const sorted = (names: readonly string[]) => [...names].sort();

  it('reuses the listing of a settled, unchanged folder, and lists again after every add, removal and rename', async () => {
    const dir = join(root, 'queue');
    mkdirSync(dir);
    for (const name of ['a.md', 'b.md', 'notes.txt']) writeFileSync(join(dir, name), 'x');
    await untilSettled(dir);
    const first = folderNames(dir);
    expect(sorted(first)).toEqual(['a.md', 'b.md', 'notes.txt']);
    // The same listing, not a second read of the folder.
    expect(folderNames(dir)).toBe(first);

    writeFileSync(join(dir, 'c.md'), 'x');
    expect(sorted(folderNames(dir))).toEqual(['a.md', 'b.md', 'c.md', 'notes.txt']);
    rmSync(join(dir, 'a.md'));
    expect(sorted(folderNames(dir))).toEqual(['b.md', 'c.md', 'notes.txt']);
    await untilSettled(dir);
    const settled = folderNames(dir);
    expect(folderNames(dir)).toBe(settled);
    // The mtime put back where it was: the ctime still tells.
    const mtime = statSync(dir).mtime;
    renameSync(join(dir, 'notes.txt'), join(dir, 'notes.md'));
    utimesSync(dir, mtime, mtime);
    expect(sorted(folderNames(dir))).toEqual(['b.md', 'c.md', 'notes.md']);
  });

  it('a folder changed within the racy window is read again; a missing folder has no names; a replaced folder is read anew', async () => {
    const dir = join(root, 'queue');
    expect(folderNames(dir)).toEqual([]);
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.md'), 'x');
    const fresh = folderNames(dir);
    expect(fresh).toEqual(['a.md']);
    expect(folderNames(dir)).not.toBe(fresh);

    const other = join(root, 'other');
    mkdirSync(other);
    for (const name of ['x.md', 'y.md']) writeFileSync(join(other, name), 'x');
    await untilSettled(dir);
    await untilSettled(other);
    expect(folderNames(dir)).toEqual(['a.md']);
    rmSync(dir, { recursive: true });
    renameSync(other, dir);
    expect(sorted(folderNames(dir))).toEqual(['x.md', 'y.md']);
    rmSync(dir, { recursive: true });
    expect(folderNames(dir)).toEqual([]);
  });
});
