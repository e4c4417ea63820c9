import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writerTempPid } from '@millrace/plugin-api';
import { bootstrapSnapshot } from '../../../src/contracts/runtime-state.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { replaceTextAtomic, retiredVersionsRemoved } from '../../../src/workspace/state/atomic-write.js';
import { readSnapshot, saveOwnSnapshot, writeSnapshot } from '../../../src/workspace/state/snapshot-store.js';
import { readStatusFile, statusFilePath, writeStatusFile } from '../../../src/workspace/state/status-files.js';

// The runtime replaces its snapshot and status files at every stage start. Freeing the old version inside the rename
// waited for disk writeback, so the old version keeps a second link until the rename is done and that link is removed
// afterwards, off the runtime's thread (docs/runtime.md, Persistence per stage).

describe('replacing a state file while the old version is retired', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-retire-'));
    mkdirSync(join(root, 'millrace-agents', 'state'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const writerTemps = (dir: string) => readdirSync(dir).filter((n) => writerTempPid(n) !== null);

  it('renames the new content into place while the old version is still linked, then removes that link', async () => {
    const dir = join(root, 'millrace-agents', 'state');
    const file = join(dir, 'runtime_snapshot.json');
    writeFileSync(file, 'old\n');
    const old = openSync(file, 'r');
    try {
      const replacing = replaceTextAtomic(file, 'new\n');
      // The rename is done (synchronously) and the old version has not lost its last link in it.
      expect(readFileSync(file, 'utf8')).toBe('new\n');
      expect(fstatSync(old).nlink).toBe(1);
      expect(writerTemps(dir)).toHaveLength(1);
      await replacing;
      await retiredVersionsRemoved();
      expect(fstatSync(old).nlink).toBe(0);
      expect(readdirSync(dir)).toEqual(['runtime_snapshot.json']);
    } finally {
      closeSync(old);
    }
  });

  it('writes a file that did not exist and leaves nothing else behind', async () => {
    const dir = join(root, 'millrace-agents', 'state');
    await replaceTextAtomic(join(dir, 'execution_status.md'), '### IDLE\n');
    await retiredVersionsRemoved();
    expect(readdirSync(dir)).toEqual(['execution_status.md']);
  });

  it("the runtime's own snapshot save writes what the validating write writes, in the schema's field order", async () => {
    const paths = workspacePaths(root);
    const snapshot = bootstrapSnapshot(new Date('2026-01-01T00:00:00Z'));
    const shuffled = Object.fromEntries(Object.entries(snapshot).reverse()) as typeof snapshot;
    await writeSnapshot(paths, shuffled);
    const validated = readFileSync(paths.snapshot, 'utf8');
    await saveOwnSnapshot(paths, shuffled);
    await retiredVersionsRemoved();
    expect(readFileSync(paths.snapshot, 'utf8')).toBe(validated);
  });

  it('the runtime saves of the snapshot and the status files retire the old version', async () => {
    const paths = workspacePaths(root);
    const snapshot = bootstrapSnapshot(new Date('2026-01-01T00:00:00Z'));
    await writeSnapshot(paths, snapshot);
    await writeStatusFile(paths, 'execution', '### IDLE');
    const oldSnapshot = openSync(paths.snapshot, 'r');
    const oldStatus = openSync(statusFilePath(paths, 'execution'), 'r');
    try {
      const saving = saveOwnSnapshot(paths, { ...snapshot, updated_at: '2026-01-01T00:00:01.000Z' });
      // Renamed into place before the first await; the old version is still linked.
      expect(fstatSync(oldSnapshot).nlink).toBe(1);
      await saving;
      await writeStatusFile(paths, 'execution', '### BUILDER_RUNNING', { retireOld: true });
      await retiredVersionsRemoved();
      expect(fstatSync(oldSnapshot).nlink).toBe(0);
      expect(fstatSync(oldStatus).nlink).toBe(0);
      expect(writerTemps(paths.state)).toEqual([]);
      expect((await readSnapshot(paths)).updated_at).toBe('2026-01-01T00:00:01.000Z');
      expect(await readStatusFile(paths, 'execution')).toBe('### BUILDER_RUNNING\n');
    } finally {
      closeSync(oldSnapshot);
      closeSync(oldStatus);
    }
  });
});
