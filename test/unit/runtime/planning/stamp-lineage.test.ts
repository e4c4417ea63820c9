import type { IncidentWorkDocument, SpecWorkDocument, TaskWorkDocument } from '../../../../src/contracts/documents.js';
import { inheritedLineage, stampLineage } from '../../../../src/runtime/planning/stamp-lineage.js';

const task = (fields: Partial<TaskWorkDocument['fields']> = {}): TaskWorkDocument => ({
  kind: 'task',
  format: 'front_matter',
  body: '',
  fields: { task_id: 't1', title: 'T', summary: '', created_at: '2026-01-01T00:00:00Z', created_by: 'manager', depends_on: [], blocks: [], tags: [], target_paths: ['a'], acceptance: ['b'], required_checks: ['c'], references: ['d'], risk: ['e'], ...fields },
});
const spec = (fields: Partial<SpecWorkDocument['fields']> = {}): SpecWorkDocument => ({
  kind: 'spec',
  format: 'front_matter',
  body: '',
  fields: {
    spec_id: 'idea-seed', title: 'S', summary: 's', source_type: 'idea', created_at: '2026-01-01T00:00:00Z', created_by: 'watcher',
    goals: ['g'], non_goals: [], scope: [], constraints: ['c'], assumptions: [], risks: [], target_paths: [], entrypoints: [], required_skills: [], decomposition_hints: [], acceptance: ['a'], references: ['r'],
    ...fields,
  },
});
const incident = (fields: Partial<IncidentWorkDocument['fields']> = {}): IncidentWorkDocument => ({
  kind: 'incident',
  format: 'front_matter',
  body: '',
  fields: {
    incident_id: 'arbiter-gap-idea-seed-00000000', title: 'I', summary: 'i', source_stage: 'arbiter', source_plane: 'planning', failure_class: 'arbiter_parity_gap', severity: 'high', needs_planning: true,
    trigger_reason: 'x', consultant_decision: 'needs_planning', opened_at: '2026-01-01T00:00:00Z', opened_by: 'runtime',
    observed_symptoms: [], failed_attempts: [], evidence_paths: [], related_run_ids: [], related_stage_results: [], references: [],
    ...fields,
  },
});

describe('inheritedLineage', () => {
  it('a root idea spec hands down itself as root', () => {
    expect(inheritedLineage(spec({ root_idea_id: 'idea-seed' }))).toEqual({ root_spec_id: 'idea-seed', root_idea_id: 'idea-seed', spec_id: 'idea-seed' });
  });

  it('an incident hands down its root, falling back to the source spec', () => {
    expect(inheritedLineage(incident({ source_spec_id: 'idea-seed', root_idea_id: 'idea-seed' }))).toEqual({ root_spec_id: 'idea-seed', root_idea_id: 'idea-seed', spec_id: 'idea-seed' });
  });
});

describe('stampLineage', () => {
  const lineage = { root_spec_id: 'idea-seed', root_idea_id: 'idea-seed', spec_id: 'idea-seed' };

  it('fills only what the agent left out', () => {
    const { document, stamped } = stampLineage(task({ root_spec_id: 'custom-root' }), lineage);
    expect(stamped).toEqual(['root_idea_id', 'spec_id']);
    expect(document.fields).toMatchObject({ root_spec_id: 'custom-root', root_idea_id: 'idea-seed', spec_id: 'idea-seed' });
  });

  it("leaves complete documents and the run's own spec untouched", () => {
    expect(stampLineage(task(lineage), lineage).stamped).toEqual([]);
    expect(stampLineage(spec(), lineage).stamped).toEqual([]);
  });

  it('stamps fan-out specs and incidents with the root', () => {
    expect(stampLineage(spec({ spec_id: 'child', source_type: 'derived_spec' }), lineage).stamped).toEqual(['root_spec_id', 'root_idea_id']);
    expect(stampLineage(incident(), lineage).stamped).toEqual(['root_spec_id', 'root_idea_id']);
  });
});
