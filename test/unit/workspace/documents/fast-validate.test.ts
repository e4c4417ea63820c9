import { WORK_DOCUMENT_SCHEMAS, type WorkDocumentKind } from '../../../../src/contracts/documents.js';
import { FAST_RULES, fastValidateFields } from '../../../../src/workspace/documents/fast-validate.js';
import { renderWorkDocument, validateWorkDocumentText } from '../../../../src/workspace/documents/index.js';
import { aSpec, aTask, anIncident } from '../../../support/work-documents.js';

const KINDS: WorkDocumentKind[] = ['task', 'spec', 'incident'];
const base = { task: aTask().fields, spec: aSpec().fields, incident: anIncident().fields } as Record<WorkDocumentKind, Record<string, unknown>>;

// Values every field is tried with: valid and invalid for each rule type.
const PROBES: unknown[] = [
  'x', '', ' x', 'x ', 'task-002', 'a b', '-x', 'x'.repeat(300), 'ünïcode', '2026-04-15', '2026-04-15T12:00:00Z', '2026-02-30', 'not a date',
  'queued', 'active', 'blocked', 'done', 'incoming', 'resolved', 'idea', 'manual', 'low', 'critical', 'builder', 'planner', 'execution', 'planning',
  'needs_planning', true, false, 0, 1, null, [], ['x'], [''], ['x', ''], ['x', 1], [['x']], {}, { a: 'b' },
];

/** Every field of every kind removed, and set to every probe value. */
function* variants(kind: WorkDocumentKind): Generator<Record<string, unknown>> {
  yield { ...base[kind] };
  for (const [key] of FAST_RULES[kind]) {
    const without = { ...base[kind] };
    delete without[key];
    yield without;
    for (const probe of PROBES) yield { ...base[kind], [key]: probe };
  }
  yield { ...base[kind], unknown_field: 'x' };
}

describe('fastValidateFields', () => {
  it.each(KINDS)('knows the %s schema keys in schema order', (kind) => {
    const shape = (WORK_DOCUMENT_SCHEMAS[kind] as unknown as { shape: Record<string, unknown> }).shape;
    expect(FAST_RULES[kind].map(([key]) => key)).toEqual(Object.keys(shape));
  });

  it.each(KINDS)('accepts exactly the %s fields zod accepts, returning what zod returns (key order included)', (kind) => {
    let checked = 0;
    for (const fields of variants(kind)) {
      const zod = WORK_DOCUMENT_SCHEMAS[kind].safeParse(structuredClone(fields));
      const fast = fastValidateFields(kind, structuredClone(fields));
      if (zod.success) expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
      else expect(fast).toBeUndefined();
      checked += 1;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('checks that an incident source stage belongs to its plane', () => {
    const mismatch = { ...base.incident, source_plane: 'planning', source_stage: 'builder' };
    expect(WORK_DOCUMENT_SCHEMAS.incident.safeParse(mismatch).success).toBe(false);
    expect(fastValidateFields('incident', mismatch)).toBeUndefined();
  });
});

/** Both paths of one text: the fast (subset reader, precompiled checks) and the full (gray-matter + js-yaml, zod). */
const bothWays = (kind: WorkDocumentKind, text: string) => [validateWorkDocumentText(kind, text, 'tasks/queue/t.md'), validateWorkDocumentText(kind, text, 'tasks/queue/t.md', { fullParser: true })] as const;
const comparable = (result: ReturnType<typeof validateWorkDocumentText>) => JSON.stringify(result);

describe('fast and full document parsers', () => {
  const canonical = renderWorkDocument(aTask({ task_id: 't', depends_on: ['a', 'b'], tags: ['x'] }, '# Heading\n\nBody text.'));
  const shapes: Array<[string, WorkDocumentKind, string]> = [
    ['canonical task', 'task', canonical],
    ['canonical spec', 'spec', renderWorkDocument(aSpec({ spec_id: 't' }))],
    ['canonical incident', 'incident', renderWorkDocument(anIncident({ incident_id: 't', needs_planning: false, severity: 'high' }))],
    ['single-quoted scalars', 'task', canonical.replace('title: Add login form', "title: 'It''s a title: with colon'")],
    ['double-quoted scalars', 'task', canonical.replace('title: Add login form', 'title: "Quoted \\"title\\""')],
    ['a quoted date', 'task', canonical.replace(/created_at: .*/, "created_at: '2026-04-15'")],
    ['an unquoted date (a YAML timestamp)', 'task', canonical.replace(/created_at: .*/, 'created_at: 2026-04-15T12:00:00Z')],
    ['an unquoted out-of-range timestamp (rolls over)', 'task', canonical.replace(/created_at: .*/, 'created_at: 2026-02-30T12:00:00Z')],
    ['an unquoted timestamp in a text list', 'task', canonical.replace(/tags:\n {2}- x\n/, 'tags:\n  - 2026-04-15T12:00:00Z\n')],
    ['text with a semicolon', 'task', canonical.replace('title: Add login form', 'title: Add login; then logout')],
    ['unicode values', 'task', canonical.replace('title: Add login form', 'title: Ünïcødé — 日本語 ✓')],
    ['CRLF line ends', 'task', canonical.replace(/\n/g, '\r\n')],
    ['a byte order mark', 'task', `\uFEFF${canonical}`],
    ['an empty list (null in YAML)', 'task', canonical.replace(/tags:\n {2}- x\n/, 'tags:\n')],
    ['a flow list', 'task', canonical.replace(/tags:\n {2}- x\n/, 'tags: [x, y]\n')],
    ['an empty flow list', 'task', canonical.replace(/tags:\n {2}- x\n/, 'tags: []\n')],
    ['list items at column 0', 'task', canonical.replace(/\n {2}- /g, '\n- ')],
    ['a multiline folded scalar', 'task', canonical.replace('title: Add login form', 'title: >\n  Add login\n  form')],
    ['a multiline literal list item', 'task', canonical.replace(/tags:\n {2}- x\n/, 'tags:\n  - |\n    line one\n    line two\n')],
    ['a duplicate key', 'task', canonical.replace('title: Add login form', 'title: Add login form\ntitle: Again')],
    ['a comment', 'task', canonical.replace('title: Add login form', 'title: Add login form # note')],
    ['a boolean where text belongs', 'task', canonical.replace('title: Add login form', 'title: true')],
    ['a number where text belongs', 'task', canonical.replace('title: Add login form', 'title: 42')],
    ['an unknown field', 'task', canonical.replace('title: Add login form', 'title: Add login form\nowner: me')],
    ['a missing required list', 'task', canonical.replace(/risk:\n {2}- .*\n/, '')],
    ['an invalid id', 'task', canonical.replace('task_id: t', 'task_id: -t')],
    ['an invalid date', 'task', canonical.replace(/created_at: .*/, "created_at: '2026-02-30'")],
    ['no title but a heading', 'task', canonical.replace('title: Add login form\n', '')],
    ['an unclosed block', 'task', canonical.replace(/\n---\n[\s\S]*$/, '\n')],
    ['invalid YAML', 'task', canonical.replace('title: Add login form', 'title: [unclosed')],
    ['a nested mapping', 'task', canonical.replace('title: Add login form', 'title:\n  nested: x')],
    ['an empty front matter', 'task', '---\n---\nbody\n'],
    ['envelope fields', 'task', canonical.replace('title: Add login form', "title: Add login form\nschema_version: '1.0'\nkind: task")],
    ['a wrong envelope', 'task', canonical.replace('title: Add login form', 'title: Add login form\nkind: spec')],
    ['the labelled format', 'task', '# Add login form\n\nTask-ID: t\nCreated-At: 2026-04-15T12:00:00Z\nCreated-By: me\nTarget-Paths:\n- a\nAcceptance:\n- b\nRequired-Checks:\n- c\nReferences:\n- d\nRisk:\n- e\n'],
    ['the labelled format, invalid', 'task', '# Add login form\n\nTask-ID: t\nCreated-At: soon\n'],
  ];

  it.each(shapes)('agree on %s', (_name, kind, text) => {
    const [fast, full] = bothWays(kind, text);
    expect(comparable(fast)).toBe(comparable(full));
  });

  it('cover valid and invalid documents alike (the comparison above is not vacuous)', () => {
    const outcomes = shapes.map(([, kind, text]) => validateWorkDocumentText(kind, text, 'x').ok);
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(outcomes.filter((ok) => !ok).length).toBeGreaterThanOrEqual(10);
  });
});
