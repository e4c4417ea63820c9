import { countByFolder, findDuplicateIds } from '../../../../src/workspace/queue/scan.js';
import type { QueueListing, QueueLocation } from '../../../../src/workspace/queue/scan.js';
import { parseTimestamp } from '../../../../src/contracts/documents.js';

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
