import { parseWorkDocument, parseWorkDocumentJson, renderWorkDocument } from '../../../../src/workspace/documents/index.js';
import type { WorkDocument } from '../../../../src/contracts/documents.js';
import { aSpec, aTask, anIncident } from '../../../support/work-documents.js';

const TASK_LABELLED = `# Add login form

Task-ID: task-2026-04-15-add-login
Title: Add login form
Summary: Implement the login form and its validation.
Root-Idea-ID: idea-auth
Root-Spec-ID: idea-auth
Spec-ID: idea-auth
Status-Hint: queued
Created-At: 2026-04-15T12:00:00Z
Created-By: manager

Depends-On:
- task-2026-04-15-scaffold

Tags:
- frontend
- auth

Target-Paths:
- src/ui/login.tsx
- src/ui/login.test.tsx

Acceptance:
- Form rejects empty password
- Successful login redirects to /home

Required-Checks:
- npm test -- login

References:
- millrace-agents/specs/done/idea-auth.md

Risk:
- Session handling regressions
`;

const SPEC_LABELLED = `# Authentication

Spec-ID: idea-auth
Title: Authentication
Summary: Add username/password authentication.
Source-Type: idea
Source-ID: idea-auth
Root-Idea-ID: idea-auth
Root-Spec-ID: idea-auth
Created-At: 2026-04-15T12:00:00Z
Created-By: planner

Goals:
- Users can log in

Non-Goals:
- OAuth providers

Constraints:
- No new runtime dependencies

Decomposition-Hints:
- Split UI and API work

Acceptance:
- Login works end to end

References:
- ideas/inbox/auth.md
`;

const INCIDENT_LABELLED = `# Login task needs planning

Incident-ID: incident-task-2026-04-15-add-login-consultant
Title: Login task needs planning
Summary: Consultant escalated the login task.
Root-Idea-ID: idea-auth
Root-Spec-ID: idea-auth
Source-Task-ID: task-2026-04-15-add-login
Source-Spec-ID: idea-auth
Source-Stage: consultant
Source-Plane: execution
Failure-Class: consultant_needs_planning
Status-Hint: incoming
Severity: high
Needs-Planning: false
Trigger-Reason: consultant_needs_planning
Consultant-Decision: needs_planning
Opened-At: 2026-04-15T12:00:00Z
Opened-By: consultant

Observed-Symptoms:
- Checker failed twice on session tests

Evidence-Paths:
- millrace-agents/runs/run-abc/troubleshoot_report.md

Related-Run-IDs:
- run-abc
`;

const roundTrip = (doc: WorkDocument) => parseWorkDocument(doc.kind, renderWorkDocument(doc), 'x.md');

describe('labelled format (Python Millrace) documents', () => {
  it('reads the task example with every field and keeps the original text as the body', () => {
    const doc = parseWorkDocument('task', TASK_LABELLED, 'task.md');
    expect(doc).toMatchObject({ kind: 'task', format: 'labelled', body: TASK_LABELLED.trimEnd() });
    expect(doc.fields).toEqual({
      task_id: 'task-2026-04-15-add-login',
      title: 'Add login form',
      summary: 'Implement the login form and its validation.',
      root_idea_id: 'idea-auth',
      root_spec_id: 'idea-auth',
      spec_id: 'idea-auth',
      status_hint: 'queued',
      created_at: '2026-04-15T12:00:00Z',
      created_by: 'manager',
      depends_on: ['task-2026-04-15-scaffold'],
      blocks: [],
      tags: ['frontend', 'auth'],
      target_paths: ['src/ui/login.tsx', 'src/ui/login.test.tsx'],
      acceptance: ['Form rejects empty password', 'Successful login redirects to /home'],
      required_checks: ['npm test -- login'],
      references: ['millrace-agents/specs/done/idea-auth.md'],
      risk: ['Session handling regressions'],
    });
  });

  it.each([
    ['task', TASK_LABELLED],
    ['spec', SPEC_LABELLED],
    ['incident', INCIDENT_LABELLED],
  ] as const)('%s: labelled -> canonical -> parse keeps every field and the body', (kind, text) => {
    const labelled = parseWorkDocument(kind, text, `${kind}.md`);
    const canonical = renderWorkDocument(labelled);
    expect(canonical.startsWith('---\n')).toBe(true);
    const reparsed = parseWorkDocument(kind, canonical, `${kind}.md`);
    expect(reparsed.format).toBe('front_matter');
    expect(reparsed.fields).toEqual(labelled.fields);
    expect(reparsed.body).toBe(labelled.body);
    expect(renderWorkDocument(reparsed)).toBe(canonical);
  });

  it('reads the minimal hand-written task with inline list values', () => {
    const doc = parseWorkDocument('task', '# Fix typo\nTask-ID: fix-typo\nCreated-At: 2026-04-15T09:00:00Z\nCreated-By: operator\nTarget-Paths: README.md\nAcceptance: typo gone\nRequired-Checks: none\nReferences: README.md\nRisk: none\n', 'fix-typo.md');
    expect(doc.fields).toMatchObject({ task_id: 'fix-typo', title: 'Fix typo', target_paths: ['README.md'], required_checks: ['none'], risk: ['none'] });
  });
});

describe('canonical (front matter) documents', () => {
  it.each([
    ['task', aTask({ summary: 'x', depends_on: ['a'], tags: ['t'], status_hint: 'queued', updated_at: '2026-04-15T13:00:00+02:00' }, '# Add login form\n\nNotes with: colons\n- and bullets')],
    ['task (defaults only)', aTask()],
    ['spec', aSpec({ summary: '', non_goals: ['OAuth'], root_spec_id: 'idea-auth' }, 'Free text.')],
    ['incident', anIncident({ severity: 'critical', needs_planning: false, related_run_ids: ['run-1'], opened_at: '2026-04-15' })],
    ['incident (defaults)', anIncident()],
  ])('%s: parse(render(doc)) equals doc', (_name, doc) => {
    expect(roundTrip(doc)).toEqual(doc);
  });

  it('renders deterministically: fixed key order, defaults and empty lists omitted, quoted timestamps', () => {
    const text = renderWorkDocument(anIncident({ severity: 'medium', needs_planning: true, references: ['r'] }));
    expect(text).toBe(
      [
        '---',
        'incident_id: incident-001',
        'title: Login task needs planning',
        'summary: Consultant escalated the login task.',
        'source_stage: consultant',
        'source_plane: execution',
        'failure_class: consultant_needs_planning',
        'trigger_reason: consultant_needs_planning',
        'consultant_decision: needs_planning',
        "opened_at: '2026-04-15T12:00:00Z'",
        'opened_by: consultant',
        'references:',
        '  - r',
        '---',
        '',
      ].join('\n'),
    );
    expect(renderWorkDocument(aTask())).toBe(renderWorkDocument(aTask()));
  });

  it('takes the title from the body heading when the front matter has none, and accepts unquoted YAML timestamps', () => {
    const doc = parseWorkDocument(
      'task',
      '---\ntask_id: t-1\ncreated_at: 2026-04-15T12:00:00Z\ncreated_by: op\ntarget_paths: [a]\nacceptance: [b]\nrequired_checks: [c]\nreferences: [d]\nrisk: [e]\n---\n\n# Heading title\n\nBody\n',
      't-1.md',
    );
    expect(doc.fields.title).toBe('Heading title');
    expect(doc.fields.created_at).toBe('2026-04-15T12:00:00Z');
    expect(doc.body).toBe('# Heading title\n\nBody');
  });

  it('keeps values that look like other YAML types as strings through a round trip', () => {
    const doc = aTask({ summary: 'yes', task_id: '001', acceptance: ['true', 'null', '- dash', 'a: b', '#hash'], created_by: '1.0' });
    expect(roundTrip(doc)).toEqual(doc);
  });
});

describe('JSON import', () => {
  it('accepts the contract fields, schema_version and kind, without placeholder filtering', () => {
    const json = JSON.stringify({ schema_version: '1.0', kind: 'task', ...aTask({ depends_on: ['none'] }).fields });
    const doc = parseWorkDocumentJson('task', json, 'task.json');
    expect(doc.fields.depends_on).toEqual(['none']);
    expect(doc.body).toBe('');
  });

  it('parses the spec example', () => {
    const doc = parseWorkDocumentJson(
      'spec',
      '{"spec_id": "spec-001", "title": "Spec spec-001", "summary": "cli spec", "source_type": "manual", "goals": ["ship CLI"], "constraints": ["MVP surface only"], "acceptance": ["command set works"], "references": ["x.md"], "created_at": "2026-04-15T12:00:00Z", "created_by": "tests"}',
      'spec.json',
    );
    expect(doc.fields).toMatchObject({ spec_id: 'spec-001', source_type: 'manual', non_goals: [] });
    expect(roundTrip(doc)).toEqual(doc);
  });
});
