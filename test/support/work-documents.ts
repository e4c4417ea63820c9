import type { IncidentDocument, IncidentWorkDocument, SpecDocument, SpecWorkDocument, TaskDocument, TaskWorkDocument } from '../../src/contracts/documents.js';

/** Plain-data builders for work documents (valid by default; override any field). */
export function aTask(overrides: Partial<TaskDocument> = {}, body = ''): TaskWorkDocument {
  return {
    kind: 'task',
    format: 'front_matter',
    body,
    fields: {
      task_id: 'task-001',
      title: 'Add login form',
      summary: '',
      created_at: '2026-04-15T12:00:00Z',
      created_by: 'manager',
      depends_on: [],
      blocks: [],
      tags: [],
      target_paths: ['src/ui/login.tsx'],
      acceptance: ['Form rejects empty password'],
      required_checks: ['npm test -- login'],
      references: ['millrace-agents/specs/done/idea-auth.md'],
      risk: ['Session handling regressions'],
      ...overrides,
    },
  };
}

export function aSpec(overrides: Partial<SpecDocument> = {}, body = ''): SpecWorkDocument {
  return {
    kind: 'spec',
    format: 'front_matter',
    body,
    fields: {
      spec_id: 'idea-auth',
      title: 'Authentication',
      summary: 'Add username/password authentication.',
      source_type: 'idea',
      created_at: '2026-04-15T12:00:00Z',
      created_by: 'planner',
      goals: ['Users can log in'],
      non_goals: [],
      scope: [],
      constraints: ['No new runtime dependencies'],
      assumptions: [],
      risks: [],
      target_paths: [],
      entrypoints: [],
      required_skills: [],
      decomposition_hints: [],
      acceptance: ['Login works end to end'],
      references: ['ideas/inbox/auth.md'],
      ...overrides,
    },
  };
}

export function anIncident(overrides: Partial<IncidentDocument> = {}, body = ''): IncidentWorkDocument {
  return {
    kind: 'incident',
    format: 'front_matter',
    body,
    fields: {
      incident_id: 'incident-001',
      title: 'Login task needs planning',
      summary: 'Consultant escalated the login task.',
      source_stage: 'consultant',
      source_plane: 'execution',
      failure_class: 'consultant_needs_planning',
      severity: 'medium',
      needs_planning: true,
      trigger_reason: 'consultant_needs_planning',
      consultant_decision: 'needs_planning',
      opened_at: '2026-04-15T12:00:00Z',
      opened_by: 'consultant',
      observed_symptoms: [],
      failed_attempts: [],
      evidence_paths: [],
      related_run_ids: [],
      related_stage_results: [],
      references: [],
      ...overrides,
    },
  };
}
