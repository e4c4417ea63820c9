import { formatProblem, parseWorkDocument, validateWorkDocumentJson, validateWorkDocumentText } from '../../../../src/workspace/documents/index.js';
import type { WorkDocumentKind } from '../../../../src/contracts/documents.js';
import { aSpec, aTask, anIncident } from '../../../support/work-documents.js';

const TASK_HEAD = '# T\nTask-ID: t\nCreated-At: 2026-04-15T09:00:00Z\nCreated-By: op\nTarget-Paths: a\nRequired-Checks: c\nReferences: d\nRisk: e\n';
const task = (extra: string) => `${TASK_HEAD}${extra}`;

function problems(kind: WorkDocumentKind, text: string): string[] {
  const result = validateWorkDocumentText(kind, text, 'tasks/queue/x.md');
  return result.ok ? [] : result.problems.map(formatProblem);
}
const jsonProblems = (kind: WorkDocumentKind, value: unknown) => {
  const result = validateWorkDocumentJson(kind, typeof value === 'string' ? value : JSON.stringify(value), 'x.json');
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('labelled format: structural errors (first one reported)', () => {
  it.each([
    ['an empty document', '  \n\n', 'tasks/queue/x.md: (document): work document is empty'],
    ['a leading blank line', `\n${task('Acceptance: b\n')}`, 'tasks/queue/x.md: title: must start with a markdown H1 title (`# Title`)'],
    ['an H2 first line', '## T\nTask-ID: t\n', 'tasks/queue/x.md: title: must start with a markdown H1 title (`# Title`)'],
    ['a repeated field', task('Acceptance: b\nRisk: again\n'), 'tasks/queue/x.md: risk: repeats field `Risk`'],
    ['a list item under a scalar', task('Acceptance: b\nSummary:\n\n- oops\n'), 'tasks/queue/x.md: summary: has list item under scalar field `Summary`'],
    ['a non-item line inside a list', task('Acceptance:\n- b\nnot an item\n'), 'tasks/queue/x.md: acceptance: has invalid list item under `Acceptance`'],
    ['a Title differing from the H1', task('Acceptance: b\nTitle: Other\n'), 'tasks/queue/x.md: title: markdown H1 title must match the `Title` field'],
  ])('%s', (_name, text, line) => {
    expect(problems('task', text)).toEqual([line]);
  });

  it('throws DOCUMENT_INVALID with exit code 1 naming file and field', () => {
    expect(() => parseWorkDocument('task', task('Acceptance: b\nRisk: again\n'), 'tasks/queue/x.md')).toThrow(
      expect.objectContaining({ code: 'DOCUMENT_INVALID', exitCode: 1, file: 'tasks/queue/x.md', field: 'risk', message: 'tasks/queue/x.md: risk: repeats field `Risk`' }),
    );
  });
});

describe('labelled format: parsing rules', () => {
  const parse = (extra: string) => parseWorkDocument('task', task(extra), 'x.md').fields;

  it('ends a list at a URL-like line, which is skipped with the free text after it', () => {
    expect(parse('Acceptance:\n- one\nhttp://example.com\n- two\n').acceptance).toEqual(['one']);
  });
  it('ends a list at the first blank line after an item', () => {
    expect(parse('Acceptance:\n\n- a\n\n- b\n').acceptance).toEqual(['a']);
  });
  it('drops none / n/a / - placeholders only from depends_on and blocks', () => {
    expect(parse('Acceptance: b\nDepends-On:\n- none\n- N/A\n- -\n- real\nBlocks: none\n')).toMatchObject({ depends_on: ['real'], blocks: [], risk: ['e'] });
  });
  it('skips unknown labels and the free text that follows them', () => {
    expect(parse('Acceptance: b\nNotes: whatever\n- not a field\nTags: x\n').tags).toEqual(['x']);
  });
  it('treats an empty scalar as absent and an empty list as []', () => {
    expect(parse('Summary:\nAcceptance: b\nTags:\nBlocks: x\n')).toMatchObject({ summary: '', tags: [], blocks: ['x'] });
  });
  it('ignores a byte-order mark', () => {
    expect(parseWorkDocument('task', `\uFEFF${task('Acceptance: b\n')}`, 'x.md').fields.task_id).toBe('t');
  });
  it('accepts CRLF and indented lines', () => {
    expect(parseWorkDocument('task', task('Acceptance:\n  - b\n').replace(/\n/g, '\r\n'), 'x.md').fields.acceptance).toEqual(['b']);
  });
});

describe('contract validation (every kind, both formats)', () => {
  it('reports every problem, one line per field', () => {
    expect(problems('task', '# T\nTask-ID: ../escape\nGoals: g\nAcceptance:\nCreated-At: yesterday\nStatus-Hint: Queued\n')).toEqual([
      'tasks/queue/x.md: task_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$',
      'tasks/queue/x.md: status_hint: must be one of "queued", "active", "blocked", "done"',
      'tasks/queue/x.md: created_at: must be an ISO-8601 date-time or date (e.g. 2026-04-15T12:00:00Z)',
      'tasks/queue/x.md: created_by: is required',
      'tasks/queue/x.md: target_paths: is required',
      'tasks/queue/x.md: acceptance: must have at least 1 item',
      'tasks/queue/x.md: required_checks: is required',
      'tasks/queue/x.md: references: is required',
      'tasks/queue/x.md: risk: is required',
      'tasks/queue/x.md: goals: unexpected field',
    ]);
  });

  it.each([
    [{ task_id: ' t' }, 'task_id: must not include surrounding whitespace'],
    [{ task_id: '' }, 'task_id: is required'],
    [{ task_id: '-x' }, 'task_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$'],
    [{ root_spec_id: 'a b' }, 'root_spec_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$'],
    [{ parent_task_id: '../p' }, 'parent_task_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$'],
    [{ created_at: '2026-02-30T00:00:00Z' }, 'created_at: must be an ISO-8601 date-time or date (e.g. 2026-04-15T12:00:00Z)'],
    [{ updated_at: '2026-04-15T25:00:00Z' }, 'updated_at: must be an ISO-8601 date-time or date (e.g. 2026-04-15T12:00:00Z)'],
    [{ acceptance: [] }, 'acceptance: must have at least 1 item'],
    [{ acceptance: [''] }, 'acceptance.0: must not be empty'],
    [{ acceptance: 'one' }, 'acceptance: must be an array'],
    [{ title: '' }, 'title: must not be empty'],
  ])('task JSON %j -> %s', (override, line) => {
    expect(jsonProblems('task', { ...aTask().fields, ...override })).toEqual([`x.json: ${line}`]);
  });

  it.each([
    [{ source_type: 'Manual' }, 'source_type: must be one of "idea", "incident", "manual", "derived_spec"'],
    [{ goals: [] }, 'goals: must have at least 1 item'],
    [{ summary: undefined }, 'summary: is required'],
    [{ source_id: 'x/y' }, 'source_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]*$'],
  ])('spec JSON %j -> %s', (override, line) => {
    expect(jsonProblems('spec', { ...aSpec().fields, ...override })).toEqual([`x.json: ${line}`]);
  });

  it.each([
    [{ severity: 'High' }, 'severity: must be one of "low", "medium", "high", "critical"'],
    [{ source_stage: 'planner' }, 'source_stage: must belong to source_plane'],
    [{ source_stage: 'cook' }, expect.stringContaining('source_stage: must be one of "builder"')],
    [{ consultant_decision: 'maybe' }, 'consultant_decision: must be one of "needs_planning", "blocked"'],
    [{ needs_planning: 'perhaps' }, 'needs_planning: must be a boolean'],
    [{ opened_at: undefined }, 'opened_at: is required'],
  ])('incident JSON %j -> %s', (override, line) => {
    expect(jsonProblems('incident', { ...anIncident().fields, ...override })).toEqual([typeof line === 'string' ? `x.json: ${line}` : line]);
  });

  it('reads Needs-Planning tokens case-insensitively and rejects others', () => {
    const base = '# I\nIncident-ID: i\nSummary: s\nSource-Stage: consultant\nSource-Plane: execution\nFailure-Class: f\nTrigger-Reason: r\nConsultant-Decision: blocked\nOpened-At: 2026-04-15\nOpened-By: me\n';
    for (const [token, value] of [['YES', true], ['off', false], ['T', true], ['0', false]] as const) {
      expect(parseWorkDocument('incident', `${base}Needs-Planning: ${token}\n`, 'i.md').fields.needs_planning).toBe(value);
    }
    expect(problems('incident', `${base}Needs-Planning: perhaps\n`)).toEqual(['tasks/queue/x.md: needs_planning: must be a boolean']);
  });

  it('checks schema_version and kind, unknown keys and malformed JSON', () => {
    expect(jsonProblems('task', { ...aTask().fields, kind: 'spec', schema_version: '2.0', extra: 1 })).toEqual([
      'x.json: schema_version: must be "1.0"',
      'x.json: kind: must be "task"',
      'x.json: extra: unexpected field',
    ]);
    expect(jsonProblems('task', '{"task_id": ')).toEqual([expect.stringMatching(/^x\.json: \(document\): invalid JSON: /)]);
    expect(jsonProblems('task', '[1]')).toEqual(['x.json: (document): must be a JSON object']);
  });

  it('rejects malformed front matter, non-mapping front matter and wrongly typed values', () => {
    expect(problems('task', '---\ntask_id: [unclosed\n---\n')).toEqual([expect.stringMatching(/^tasks\/queue\/x\.md: \(front matter\): invalid YAML: /)]);
    expect(problems('task', '---\n- a\n- b\n---\n')).toEqual(['tasks/queue/x.md: (front matter): must be a mapping of field names to values']);
    expect(problems('task', '---\ntask_id: 7\ntitle: T\n---\n')).toContain('tasks/queue/x.md: task_id: must be a string');
  });
});
