import {
  decideSpecClaimClosure,
  effectiveRootSpecId,
  newClosureTarget,
  selectCompletionTarget,
  selectDeferredRootSpecs,
  selectOpenClosureTarget,
} from '../../../../src/runtime/decide/closure.js';
import { ClosureTargetSchema } from '../../../../src/contracts/closure-target.js';
import { aDoc, anOpenTarget, aRootSpec } from './lineage-fixtures.js';

describe('effectiveRootSpecId', () => {
  it('prefers root_spec_id, then the spec a task or incident came from', () => {
    expect(effectiveRootSpecId(aDoc('task', 't1', { root_spec_id: 'r', spec_id: 's' }))).toBe('r');
    expect(effectiveRootSpecId(aDoc('task', 't1', { spec_id: 's' }))).toBe('s');
    expect(effectiveRootSpecId(aDoc('incident', 'i1', { spec_id: 'src' }))).toBe('src');
  });

  it('makes idea and manual specs their own root, but not derived specs', () => {
    expect(effectiveRootSpecId(aDoc('spec', 's1', { source_type: 'manual' }))).toBe('s1');
    expect(effectiveRootSpecId(aDoc('spec', 's2', { source_type: 'derived_spec' }))).toBeNull();
  });
});

describe('decideSpecClaimClosure', () => {
  it('opens a target for a root spec when none is open', () => {
    expect(decideSpecClaimClosure(aRootSpec('idea-seed'), null, null)).toEqual({ action: 'open', rootSpecId: 'idea-seed', rootIdeaId: 'idea-seed' });
  });

  it('does nothing for specs without lineage or derived specs', () => {
    expect(decideSpecClaimClosure(aDoc('spec', 'plain'), null, null)).toEqual({ action: 'none' });
    expect(decideSpecClaimClosure(aDoc('spec', 'child', { root_spec_id: 'idea-seed', root_idea_id: 'idea-seed' }), null, anOpenTarget())).toEqual({ action: 'none' });
  });

  it('reuses an existing target, even a closed one, instead of reopening it', () => {
    const closed = { ...anOpenTarget(), closure_open: false, closed_at: '2026-01-02T00:00:00.000Z' };
    expect(decideSpecClaimClosure(aRootSpec('idea-seed'), closed, null)).toEqual({ action: 'reuse', target: closed });
  });

  it('holds back an unrelated root spec while another target is open', () => {
    expect(decideSpecClaimClosure(aRootSpec('idea-other'), null, anOpenTarget('idea-seed'))).toEqual({ action: 'backpressure', openRootSpecId: 'idea-seed' });
  });
});

describe('newClosureTarget', () => {
  it('is valid and points at the arbiter contract copies', () => {
    const target = newClosureTarget('idea-seed', 'idea-seed', '2026-01-01T00:00:00.000Z');
    expect(ClosureTargetSchema.parse(target)).toEqual(target);
    expect(target.root_spec_path).toBe('millrace-agents/arbiter/contracts/root-specs/idea-seed.md');
    expect(target.rubric_path).toBe('millrace-agents/arbiter/rubrics/idea-seed.md');
  });
});

describe('selectOpenClosureTarget', () => {
  it('reports more than one open target as a conflict', () => {
    expect(selectOpenClosureTarget([anOpenTarget('a'), anOpenTarget('b')])).toEqual({ open: null, conflict: ['a', 'b'] });
    expect(selectOpenClosureTarget([anOpenTarget('a')]).open?.root_spec_id).toBe('a');
  });
});

describe('selectDeferredRootSpecs', () => {
  it('lists queued root specs of other lineages, oldest first', () => {
    const docs = [
      aRootSpec('idea-late', { created_at: '2026-01-03T00:00:00Z' }),
      aRootSpec('idea-early', { created_at: '2026-01-02T00:00:00Z' }),
      aRootSpec('idea-seed'),
      aRootSpec('idea-done', { state: 'done' }),
      aDoc('spec', 'derived', { root_spec_id: 'idea-x', parent_spec_id: 'idea-x' }),
      aDoc('spec', 'manual-one', { source_type: 'manual', parent_spec_id: 'None', created_at: '2026-01-04T00:00:00Z' }),
    ];
    expect(selectDeferredRootSpecs('idea-seed', docs)).toEqual(['idea-early', 'idea-late', 'manual-one']);
  });
});

describe('selectCompletionTarget', () => {
  it('uses the open target', () => {
    const open = anOpenTarget();
    expect(selectCompletionTarget(open, new Map(), [])).toEqual({ kind: 'use', target: open });
  });

  it('is idle with no root spec candidate', () => {
    expect(selectCompletionTarget(null, new Map(), [aDoc('spec', 'derived')])).toEqual({ kind: 'none', reason: 'no_candidate' });
  });

  it('backfills a target for the newest root spec candidate', () => {
    const older = aRootSpec('idea-old', { state: 'done', created_at: '2026-01-01T00:00:00Z' });
    const newer = aRootSpec('idea-new', { state: 'done', created_at: '2026-01-05T00:00:00Z' });
    expect(selectCompletionTarget(null, new Map(), [older, newer])).toMatchObject({ kind: 'backfill', rootSpecId: 'idea-new' });
  });

  it('never reopens a closed target', () => {
    const closed = { ...anOpenTarget('idea-seed'), closure_open: false, closed_at: '2026-01-02T00:00:00.000Z' };
    expect(selectCompletionTarget(null, new Map([['idea-seed', closed]]), [aRootSpec('idea-seed', { state: 'done' })])).toEqual({ kind: 'none', reason: 'target_closed' });
  });

  it('reports a manual root spec without lineage ids', () => {
    const manual = aDoc('spec', 'manual', { source_type: 'manual', state: 'done' });
    expect(selectCompletionTarget(null, new Map(), [manual])).toEqual({ kind: 'missing_root_lineage', spec: manual });
  });
});
