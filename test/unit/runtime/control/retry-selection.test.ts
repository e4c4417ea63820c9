import type { ActiveRunState } from '../../../../src/contracts/runtime-state.js';
import { planningRetryPrecheck, selectRetryRun } from '../../../../src/runtime/control/retry-selection.js';

const run = (plane: 'execution' | 'planning', overrides: Partial<ActiveRunState> = {}): ActiveRunState => ({
  plane,
  stage: plane === 'execution' ? 'builder' : 'planner',
  node_id: plane === 'execution' ? 'builder' : 'planner',
  stage_kind_id: plane === 'execution' ? 'builder' : 'planner',
  run_id: `run-${plane}`,
  request_kind: 'active_work_item',
  work_item_kind: plane === 'execution' ? 'task' : 'spec',
  work_item_id: plane === 'execution' ? 't1' : 's1',
  closure_target_root_spec_id: null,
  closure_target_root_idea_id: null,
  active_since: '2026-01-01T00:00:00Z',
  running_status_marker: null,
  ...overrides,
});

describe('selectRetryRun', () => {
  it('retries the only active run', () => {
    expect(selectRetryRun({ active_runs_by_plane: { execution: run('execution') } }, null)).toMatchObject({ kind: 'retry', run: { work_item_id: 't1' } });
  });

  it('explains why nothing is retried', () => {
    expect(selectRetryRun({ active_runs_by_plane: {} }, null)).toEqual({ kind: 'skip', detail: 'no active work item to retry', skipEvent: null });
    expect(selectRetryRun({ active_runs_by_plane: { execution: run('execution') } }, 'planning')).toMatchObject({ detail: 'planning retry requires matching active plane; current active planes are execution' });
    expect(selectRetryRun({ active_runs_by_plane: { execution: run('execution'), planning: run('planning') } }, null)).toMatchObject({
      detail: 'multiple active planes; retry-active requires a plane scope',
      skipEvent: { reason: 'multiple_active_planes', active_planes: ['planning', 'execution'] },
    });
  });

  it('refuses the Arbiter closure run, which has no work item', () => {
    const arbiter = run('planning', { stage: 'arbiter', node_id: 'arbiter', stage_kind_id: 'arbiter', request_kind: 'closure_target', work_item_kind: null, work_item_id: null, closure_target_root_spec_id: 'idea-seed' });
    expect(selectRetryRun({ active_runs_by_plane: { planning: arbiter } }, 'planning')).toMatchObject({ kind: 'skip', detail: 'active planning run is not a retryable work item', skipEvent: { reason: 'non_retryable_active_run' } });
  });

  it('scopes to one plane when several are active', () => {
    expect(selectRetryRun({ active_runs_by_plane: { execution: run('execution'), planning: run('planning') } }, 'planning')).toMatchObject({ kind: 'retry', run: { work_item_id: 's1' } });
  });
});

describe('planningRetryPrecheck', () => {
  it('needs an active planning run', () => {
    expect(planningRetryPrecheck({ active_runs_by_plane: {} })).toBe('planning retry requires active planning work; current active planes are none');
    expect(planningRetryPrecheck({ active_runs_by_plane: { planning: run('planning') } })).toBeNull();
  });
});

describe('selectRetryRun with execution lanes', () => {
  const lane = (n: number, id: string) => ({ lane: n, run: run('execution', { work_item_id: id, run_id: `run-${id}` }), status_marker: '### IDLE', worktree_path: null, branch: null, base_branch: null });

  it('retries the only busy lane, and names the lane', () => {
    expect(selectRetryRun({ active_runs_by_plane: {}, execution_lanes: [lane(2, 't2')] }, null)).toMatchObject({ kind: 'retry', lane: 2, run: { work_item_id: 't2' } });
  });

  it('refuses several busy lanes without --item, naming the active items', () => {
    expect(selectRetryRun({ active_runs_by_plane: { planning: run('planning') }, execution_lanes: [lane(2, 't2'), lane(1, 't1')] }, null)).toEqual({
      kind: 'skip',
      detail: 'several active items: s1 (planning), t1 (lane 1), t2 (lane 2); retry-active requires --item <id>',
      skipEvent: { reason: 'multiple_active_items', requested_scope: null, active_planes: ['planning', 'execution'], active_items: ['s1', 't1', 't2'] },
    });
    expect(selectRetryRun({ active_runs_by_plane: {}, execution_lanes: [lane(1, 't1'), lane(2, 't2')] }, 'execution')).toMatchObject({ kind: 'skip', skipEvent: { reason: 'multiple_active_items' } });
  });

  it('retries the item named by --item, in a lane or a plane, and refuses an item that is not active', () => {
    const snapshot = { active_runs_by_plane: { planning: run('planning') }, execution_lanes: [lane(1, 't1'), lane(2, 't2')] };
    expect(selectRetryRun(snapshot, null, 't2')).toMatchObject({ kind: 'retry', lane: 2, run: { work_item_id: 't2' } });
    expect(selectRetryRun(snapshot, null, 's1')).toMatchObject({ kind: 'retry', lane: null, run: { work_item_id: 's1' } });
    expect(selectRetryRun(snapshot, 'planning', 't1')).toMatchObject({ kind: 'skip', detail: 't1 is not an active work item of the planning plane; active items are s1 (planning)' });
    expect(selectRetryRun(snapshot, null, 'nope')).toMatchObject({ kind: 'skip', skipEvent: { reason: 'item_not_active', requested_item: 'nope', active_items: ['s1', 't1', 't2'] } });
  });
});
