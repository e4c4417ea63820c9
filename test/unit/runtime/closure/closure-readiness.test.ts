import { completionBlockIsNew, decideClosureReadiness, detectLineageDrift, selectOpenLineageWork } from '../../../../src/runtime/decide/closure.js';
import { aDoc, anOpenTarget } from './lineage-fixtures.js';

const idle = { marker: '### IDLE', currentFailureClass: null };

describe('selectOpenLineageWork', () => {
  it('lists unfinished documents of the lineage once, in scan order', () => {
    const docs = [
      aDoc('task', 't1', { root_spec_id: 'idea-seed', state: 'queue' }),
      aDoc('task', 't2', { spec_id: 'idea-seed', state: 'blocked' }),
      aDoc('task', 't3', { root_spec_id: 'idea-seed', state: 'done' }),
      aDoc('task', 'other', { root_spec_id: 'idea-other' }),
      aDoc('incident', 'i1', { spec_id: 'idea-seed', state: 'active' }),
      aDoc('task', 't1', { root_spec_id: 'idea-seed', state: 'active' }),
    ];
    expect(selectOpenLineageWork('idea-seed', docs)).toEqual(['t1', 't2', 'i1']);
  });
});

describe('detectLineageDrift', () => {
  it('finds documents of the same idea under another root, and known aliases', () => {
    const target = anOpenTarget('idea-idea-seed');
    const docs = [
      aDoc('task', 'b', { root_spec_id: 'wrong', root_idea_id: 'idea-idea-seed' }),
      aDoc('task', 'a', { root_spec_id: 'idea-seed' }),
      aDoc('task', 'done', { root_spec_id: 'wrong', root_idea_id: 'idea-idea-seed', state: 'done' }),
      aDoc('task', 'fine', { root_spec_id: 'idea-idea-seed' }),
      aDoc('task', 'unrelated', { root_spec_id: 'x', root_idea_id: 'y' }),
    ];
    const findings = detectLineageDrift(target, docs);
    expect(findings.map((f) => [f.work_item_id, f.diagnostic_reason])).toEqual([
      ['a', 'known_root_spec_alias'],
      ['b', 'same_root_idea_different_root_spec'],
    ]);
    expect(findings[0]).toMatchObject({ expected_root_spec_id: 'idea-idea-seed', actual_root_spec_id: 'idea-seed', state: 'queue' });
  });
});

describe('decideClosureReadiness', () => {
  it('waits while lineage work is open and records it on the target', () => {
    const decision = decideClosureReadiness(anOpenTarget(), [aDoc('task', 't2', { root_spec_id: 'idea-seed' })], idle);
    expect(decision).toMatchObject({ kind: 'lineage_work', blockingWorkIds: ['t2'] });
    expect(decision.target).toMatchObject({ closure_blocked_by_lineage_work: true, blocking_work_ids: ['t2'] });
  });

  it('blocks closure on drift', () => {
    const decision = decideClosureReadiness(anOpenTarget(), [aDoc('task', 'x', { root_spec_id: 'other', root_idea_id: 'idea-seed' })], idle);
    expect(decision.kind).toBe('drift');
    expect(decision.target.blocking_work_ids).toEqual(['x']);
  });

  it('activates the Arbiter once the lineage is drained', () => {
    const decision = decideClosureReadiness(anOpenTarget(), [aDoc('task', 't1', { root_spec_id: 'idea-seed', state: 'done' })], idle);
    expect(decision).toMatchObject({ kind: 'activate_arbiter', target: { closure_blocked_by_lineage_work: false, blocking_work_ids: [] } });
  });

  it('holds a target whose last Arbiter pass ended BLOCKED instead of re-running it every tick', () => {
    const target = { ...anOpenTarget(), last_arbiter_run_id: 'run-a' };
    expect(decideClosureReadiness(target, [], { marker: '### BLOCKED', currentFailureClass: 'arbiter_blocked' }).kind).toBe('hold_blocked');
    expect(decideClosureReadiness(target, [], idle).kind).toBe('activate_arbiter');
  });
});

describe('completionBlockIsNew', () => {
  it('is false only when planning is already blocked for the same class', () => {
    expect(completionBlockIsNew({ marker: '### BLOCKED', currentFailureClass: 'missing_root_lineage' }, 'missing_root_lineage')).toBe(false);
    expect(completionBlockIsNew({ marker: '### BLOCKED', currentFailureClass: 'other' }, 'missing_root_lineage')).toBe(true);
    expect(completionBlockIsNew(idle, 'missing_root_lineage')).toBe(true);
  });
});
