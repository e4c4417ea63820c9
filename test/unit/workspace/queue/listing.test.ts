import { countByFolder, findDuplicateIds } from '../../../../src/workspace/queue/scan.js';
import type { QueueListing, QueueLocation } from '../../../../src/workspace/queue/scan.js';
import { parseTimestamp } from '../../../../src/contracts/documents.js';
import { findDuplicateIdsInFolders, type FolderIds } from '../../../../src/workspace/queue/folder-listing.js';

const at = (kind: QueueLocation['kind'], state: QueueLocation['state'], id: string): QueueLocation => ({ kind, state, id, path: `/w/${kind}/${state}/${id}.md` });

describe('findDuplicateIds', () => {
  it('groups every copy of an id within one kind, in listing order, and ignores the same id across kinds', () => {
    const locations = [at('task', 'queue', 'a'), at('task', 'done', 'b'), at('task', 'active', 'a'), at('spec', 'queue', 'a'), at('task', 'blocked', 'a'), at('task', 'queue', 'c')];
    expect(findDuplicateIds(locations)).toEqual([{ kind: 'task', id: 'a', locations: [locations[0], locations[2], locations[4]] }]);
  });

  it('finds nothing in a listing of distinct ids', () => {
    expect(findDuplicateIds([at('task', 'queue', 'a'), at('task', 'queue', 'b'), at('incident', 'incoming', 'a')])).toEqual([]);
  });
});

describe('findDuplicateIdsInFolders (the start-up repair, from names)', () => {
  const KINDS: Array<[QueueLocation['kind'], Array<QueueLocation['state']>]> = [
    ['task', ['queue', 'active', 'done', 'blocked']],
    ['spec', ['queue', 'active', 'done', 'blocked']],
    ['incident', ['incoming', 'active', 'resolved', 'blocked']],
  ];
  const viaLocations = (folders: FolderIds[]) => findDuplicateIds(folders.flatMap((f) => f.ids.map((id) => ({ kind: f.kind, state: f.state, id, path: `${f.dir}/${id}.md` }))));

  it('finds an id in the big queue and a small folder, and ids in two small folders, as findDuplicateIds does', () => {
    const big = Array.from({ length: 500 }, (_, i) => `t-${String(i).padStart(4, '0')}`);
    const folders: FolderIds[] = [
      { kind: 'task', state: 'queue', dir: '/w/task/queue', ids: big },
      { kind: 'task', state: 'active', dir: '/w/task/active', ids: ['t-0007', 'x'] },
      { kind: 'task', state: 'done', dir: '/w/task/done', ids: ['t-0007', 'x', 'y'] },
      { kind: 'spec', state: 'queue', dir: '/w/spec/queue', ids: ['t-0007'] },
    ];
    const found = findDuplicateIdsInFolders(folders);
    expect(found.map((d) => [d.id, d.locations.map((l) => l.path)])).toEqual([
      ['t-0007', ['/w/task/queue/t-0007.md', '/w/task/active/t-0007.md', '/w/task/done/t-0007.md']],
      ['x', ['/w/task/active/x.md', '/w/task/done/x.md']],
    ]);
    expect(found).toEqual(viaLocations(folders));
  });

  it('equals findDuplicateIds over every location for random folders (same groups, same order)', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 300; round += 1) {
      const folders: FolderIds[] = [];
      for (const [kind, states] of KINDS) {
        for (const state of states) {
          const ids = new Set<string>();
          const count = random(4) === 0 ? random(60) : random(5);
          for (let i = 0; i < count; i += 1) ids.add(`id-${random(40)}`);
          folders.push({ kind, state, dir: `/w/${kind}/${state}`, ids: [...ids].sort() });
        }
      }
      expect(findDuplicateIdsInFolders(folders)).toEqual(viaLocations(folders));
    }
  });
});

describe('countByFolder', () => {
  it('counts valid and invalid files per kind and folder, and zero for folders with none', () => {
    const listing = {
      items: [at('task', 'queue', 'a'), at('task', 'queue', 'b'), at('spec', 'done', 's'), at('incident', 'incoming', 'i')],
      invalid: [{ ...at('task', 'queue', 'bad'), problems: [] }, { ...at('incident', 'blocked', 'j'), problems: [] }],
      duplicates: [],
    } as unknown as QueueListing;
    expect(countByFolder(listing)).toEqual({
      task: { queue: 3, active: 0, done: 0, blocked: 0 },
      spec: { queue: 0, active: 0, done: 1, blocked: 0 },
      incident: { incoming: 1, active: 0, resolved: 0, blocked: 1 },
    });
  });
});

describe('parseTimestamp', () => {
  it('answers each value for itself when values alternate (it remembers only the last one)', () => {
    const a = '2026-04-15T12:00:00Z';
    const b = '2026-04-15T12:00:00.5+02:00';
    const results = [a, b, b, a, 'not a time', a].map((value) => parseTimestamp(value));
    expect(results).toEqual([
      { ms: Date.UTC(2026, 3, 15, 12), subMsNanos: 0 },
      { ms: Date.UTC(2026, 3, 15, 10, 0, 0, 500), subMsNanos: 0 },
      { ms: Date.UTC(2026, 3, 15, 10, 0, 0, 500), subMsNanos: 0 },
      { ms: Date.UTC(2026, 3, 15, 12), subMsNanos: 0 },
      undefined,
      { ms: Date.UTC(2026, 3, 15, 12), subMsNanos: 0 },
    ]);
  });
});
