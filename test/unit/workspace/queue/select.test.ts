import { claimFactsOf, compareClaimOrder, decideNextWorkItem, decidePlaneOccupancy, selectNextPlanningItem, selectNextTask, selectNextLaneTask } from '../../../../src/workspace/queue/select.js';
import type { WorkDocument } from '../../../../src/contracts/documents.js';
import type { ClaimFacts } from '../../../../src/workspace/queue/select.js';
import { aSpec, aTask, anIncident } from '../../../support/work-documents.js';

const c = <D extends WorkDocument>(document: D) => ({ id: document.kind === 'task' ? document.fields.task_id : document.kind === 'spec' ? document.fields.spec_id : document.fields.incident_id, document, claim: claimFactsOf(document) });
const task = (task_id: string, created_at: string, extra: Parameters<typeof aTask>[0] = {}) => c(aTask({ task_id, created_at, ...extra }));

describe('selectNextTask', () => {
  it('picks what filtering by scope and dependencies, then sorting in claim order picks (random queues); reads each claim once', () => {
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 400; round += 1) {
      let reads = 0;
      const candidates = Array.from({ length: 1 + random(30) }, (_, i) => {
        const claim: ClaimFacts = {
          at: random(6) === 0 ? null : { ms: 1_700_000_000_000 + random(8) * 1000, subMsNanos: random(3) },
          dependsOn: random(3) === 0 ? [`t${random(30)}`] : [],
          rootSpecId: random(2) === 0 ? null : `spec-${random(2)}`,
        };
        return { id: `t${String(i).padStart(2, '0')}-${random(5)}`, get claim() { reads += 1; return claim; }, facts: claim };
      });
      const done = new Set(Array.from({ length: random(10) }, () => `t${random(30)}`));
      const options = random(2) === 0 ? {} : { rootSpecId: `spec-${random(2)}` };
      const expected = candidates
        .filter((c) => (options.rootSpecId === undefined || c.facts.rootSpecId === options.rootSpecId) && c.facts.dependsOn.every((id) => done.has(id)))
        .sort((a, b) => compareClaimOrder({ id: a.id, claim: a.facts }, { id: b.id, claim: b.facts }))[0];
      expect(selectNextTask(candidates, done, options)?.id).toBe(expected?.id);
      expect(reads).toBe(candidates.length);
    }
  });

  it('claims a prerequisite before its older dependent, then the dependent once the prerequisite is done', () => {
    const dependent = task('task-dependent', '2026-04-15T12:00:00Z', { depends_on: ['task-prereq'] });
    const prereq = task('task-prereq', '2026-04-15T12:00:01Z');
    expect(selectNextTask([dependent, prereq], new Set())?.id).toBe('task-prereq');
    expect(selectNextTask([dependent], new Set())).toBeUndefined();
    expect(selectNextTask([dependent], new Set(['task-prereq']))?.id).toBe('task-dependent');
  });

  it('keeps waiting while any dependency is not done (blocked, queued or unknown)', () => {
    const t = task('t', '2026-04-15T12:00:00Z', { depends_on: ['a', 'b'] });
    expect(selectNextTask([t], new Set(['a']))).toBeUndefined();
    expect(selectNextTask([t], new Set(['a', 'b']))?.id).toBe('t');
  });

  it('orders by instant across offsets, treats offset-less times as UTC, and breaks ties by id', () => {
    const plus2 = task('b-plus2', '2026-04-15T13:00:00+02:00'); // 11:00Z
    const naive = task('c-naive', '2026-04-15T11:30:00');
    const bareDate = task('d-date', '2026-04-16');
    expect(selectNextTask([naive, bareDate, plus2], new Set())?.id).toBe('b-plus2');
    expect(selectNextTask([naive, bareDate], new Set())?.id).toBe('c-naive');
    const same1 = task('z', '2026-04-15T12:00:00Z');
    const same2 = task('a', '2026-04-15T12:00:00.000Z');
    expect(selectNextTask([same1, same2], new Set())?.id).toBe('a');
    expect(selectNextTask([task('late', '2026-04-15T12:00:00.000002Z'), task('early', '2026-04-15T12:00:00.000001Z')], new Set())?.id).toBe('early');
  });

  it('restricts claims to the closure scope (effective root spec id)', () => {
    const other = task('a-other', '2026-04-15T10:00:00Z', { root_spec_id: 'spec-x' });
    const mine = task('b-mine', '2026-04-15T11:00:00Z', { spec_id: 'spec-y' });
    expect(selectNextTask([other, mine], new Set(), { rootSpecId: 'spec-y' })?.id).toBe('b-mine');
  });
});

describe('selectNextPlanningItem', () => {
  it('prefers any incoming incident over every queued spec, oldest first within a kind', () => {
    const oldSpec = c(aSpec({ spec_id: 'spec-old', created_at: '2020-01-01T00:00:00Z' }));
    const i1 = c(anIncident({ incident_id: 'inc-b', opened_at: '2026-04-15T12:00:00Z' }));
    const i2 = c(anIncident({ incident_id: 'inc-a', opened_at: '2026-04-15T12:00:01Z' }));
    expect(selectNextPlanningItem([i2, i1], [oldSpec])?.id).toBe('inc-b');
    expect(selectNextPlanningItem([], [oldSpec])?.id).toBe('spec-old');
    expect(selectNextPlanningItem([], [])).toBeUndefined();
  });
});

describe('plane occupancy', () => {
  it('is free, busy with one active item, or a conflict with several', () => {
    expect(decidePlaneOccupancy([])).toEqual({ status: 'free' });
    expect(decidePlaneOccupancy(['x'])).toEqual({ status: 'busy', activeId: 'x' });
    expect(decidePlaneOccupancy(['x', 'y'])).toEqual({ status: 'conflict', activeIds: ['x', 'y'] });
  });

  it('decideNextWorkItem counts invalid active files as occupying the plane and uses done stems', () => {
    const queued = { kind: 'task', state: 'queue', ...task('t2', '2026-04-15T12:00:00Z', { depends_on: ['t1'] }) };
    const done = { kind: 'task', state: 'done', id: 't1' };
    expect(decideNextWorkItem('execution', [queued, done], [queued])).toMatchObject({ status: 'claimable', item: { id: 't2' } });
    expect(decideNextWorkItem('execution', [queued], [queued])).toEqual({ status: 'idle', waiting: 1 });
    expect(decideNextWorkItem('execution', [queued, { kind: 'task', state: 'active', id: 'broken' }], [queued])).toEqual({ status: 'busy', activeId: 'broken' });
  });
});

describe('selectNextLaneTask', () => {
  const lane = (task_id: string, created_at: string, target_paths: string[], extra: Parameters<typeof aTask>[0] = {}) => {
    const t = task(task_id, created_at, { target_paths, ...extra });
    return { ...t, targetPaths: target_paths };
  };

  it('with isolation none, skips a task overlapping a running one and lets a later, disjoint task go first', () => {
    const first = lane('a', '2026-04-15T10:00:00Z', ['src/api']);
    const second = lane('b', '2026-04-15T11:00:00Z', ['docs']);
    expect(selectNextLaneTask([second, first], new Set(), { isolation: 'none', running: [] })?.id).toBe('a');
    expect(selectNextLaneTask([second, first], new Set(), { isolation: 'none', running: [['src']] })?.id).toBe('b');
    expect(selectNextLaneTask([second, first], new Set(), { isolation: 'none', running: [['src'], ['docs/x.md']] })).toBeUndefined();
  });

  it('with worktree isolation, ignores overlap but keeps dependency order and scope', () => {
    const dependent = lane('a', '2026-04-15T10:00:00Z', ['src'], { depends_on: ['c'] });
    const other = lane('b', '2026-04-15T11:00:00Z', ['src'], { root_spec_id: 'spec-x' });
    expect(selectNextLaneTask([dependent, other], new Set(), { isolation: 'worktree', running: [['src']] })?.id).toBe('b');
    expect(selectNextLaneTask([dependent, other], new Set(['c']), { isolation: 'worktree', running: [['src']] })?.id).toBe('a');
    expect(selectNextLaneTask([dependent, other], new Set(['c']), { isolation: 'worktree', running: [], rootSpecId: 'spec-y' })).toBeUndefined();
  });
});
