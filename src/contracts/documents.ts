import * as z from '@millrace/plugin-api/zod';
import { EXECUTION_STAGES, PLANNING_STAGES } from '@millrace/plugin-api';
import { MAX_ID_LENGTH } from './input-limits.js';
import type { LineageDocument } from './lineage.js';

/** Work-document contracts: task, spec, incident (docs/documents.md; spec documents.md §2, §5). */

export const WORK_DOCUMENT_KINDS = ['task', 'spec', 'incident'] as const;
export type WorkDocumentKind = (typeof WORK_DOCUMENT_KINDS)[number];

export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why a value is not a safe identifier, or undefined when it is one. */
export function safeIdProblem(value: string): string | undefined {
  if (value.length === 0) return 'is required';
  if (value.trim() !== value) return 'must not include surrounding whitespace';
  if (!SAFE_ID_PATTERN.test(value)) return `must match ${SAFE_ID_PATTERN.source}`;
  if (value.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  return undefined;
}

export const SafeIdSchema = z.string().superRefine((value, ctx) => {
  const problem = safeIdProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A timestamp as an exact instant: whole epoch milliseconds plus the nanoseconds below them. */
export type Instant = { readonly ms: number; readonly subMsNanos: number };

/**
 * Parse an ISO-8601 date-time (offset optional) or bare date. Offset-less values count as UTC
 * (documents.md §11.3 recommends this so mixed values stay comparable). Returns undefined when invalid.
 */
export function parseTimestamp(value: string): Instant | undefined {
  // Validation and then the claim facts parse the same value back to back: answer the second from the first.
  if (value === lastTimestamp.value) return lastTimestamp.instant;
  const instant = parseTimestampUncached(value);
  lastTimestamp = { value, instant };
  return instant;
}

let lastTimestamp: { value: string | undefined; instant: Instant | undefined } = { value: undefined, instant: undefined };

/** The digits of `value` from `from` to `to` as a number, or -1 when any is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, the form the runtime writes, read without the pattern's match array (scans read thousands);
 * undefined for any other text, which the pattern decides.
 */
function plainUtcInstant(value: string): Instant | undefined {
  if (value.length !== 20 || value.charCodeAt(19) !== 90 /* Z */ || value.charCodeAt(10) !== 84 /* T */) return undefined;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(value, 0, 4), month = digitsAt(value, 5, 7), day = digitsAt(value, 8, 10);
  const hour = digitsAt(value, 11, 13), minute = digitsAt(value, 14, 16), second = digitsAt(value, 17, 19);
  if (year < 0 || day < 0 || month < 1 || month > 12 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(ms).getUTCDate() === day ? { ms, subMsNanos: 0 } : undefined;
}

function parseTimestampUncached(value: string): Instant | undefined {
  const plain = plainUtcInstant(value);
  if (plain !== undefined) return plain;
  const m = TIMESTAMP_PATTERN.exec(value);
  if (!m) return undefined;
  // Indexed, not destructured: scans parse thousands of timestamps without TurboFan, where destructuring allocates.
  const zone = m[8];
  const frac = m[7] ?? '';
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]), hour = Number(m[4] ?? 0), minute = Number(m[5] ?? 0), second = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(base).getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const nanos = frac === '' ? 0 : Number(frac.padEnd(9, '0'));
  return { ms: base - offsetMinutes * 60_000 + Math.floor(nanos / 1_000_000), subMsNanos: nanos % 1_000_000 };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.subMsNanos - b.subMsNanos;
}

/** The runtime's own timestamp format: UTC with `Z`, milliseconds only when non-zero. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export const TimestampSchema = z.string().refine((v) => parseTimestamp(v) !== undefined, {
  message: 'must be an ISO-8601 date-time or date (e.g. 2026-04-15T12:00:00Z)',
});

const text = z.string().min(1, 'must not be empty');
const list = () => z.array(text).default([]);
const requiredList = () => z.array(text).min(1, 'must have at least 1 item');

export const TaskStatusHintSchema = z.enum(['queued', 'active', 'blocked', 'done']);
export const IncidentStatusHintSchema = z.enum(['incoming', 'active', 'blocked', 'resolved']);
export const SpecSourceTypeSchema = z.enum(['idea', 'incident', 'manual', 'derived_spec']);
export const SeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export const ConsultantDecisionSchema = z.enum(['needs_planning', 'blocked']);
export const SourcePlaneSchema = z.enum(['execution', 'planning', 'learning']);
export const LEARNING_STAGES = ['analyst', 'professor', 'curator'] as const;
export const STAGES_BY_PLANE: Record<z.infer<typeof SourcePlaneSchema>, readonly string[]> = {
  execution: EXECUTION_STAGES,
  planning: PLANNING_STAGES,
  learning: LEARNING_STAGES,
};
export const SourceStageSchema = z.enum([...EXECUTION_STAGES, ...PLANNING_STAGES, ...LEARNING_STAGES]);

export const TaskDocumentSchema = z.strictObject({
  task_id: SafeIdSchema,
  title: text,
  summary: z.string().default(''),
  root_idea_id: SafeIdSchema.optional(),
  root_spec_id: SafeIdSchema.optional(),
  spec_id: SafeIdSchema.optional(),
  parent_task_id: SafeIdSchema.optional(),
  incident_id: SafeIdSchema.optional(),
  status_hint: TaskStatusHintSchema.optional(),
  created_at: TimestampSchema,
  created_by: text,
  updated_at: TimestampSchema.optional(),
  depends_on: list(),
  blocks: list(),
  tags: list(),
  target_paths: requiredList(),
  acceptance: requiredList(),
  required_checks: requiredList(),
  references: requiredList(),
  risk: requiredList(),
});
export type TaskDocument = z.infer<typeof TaskDocumentSchema>;

export const SpecDocumentSchema = z.strictObject({
  spec_id: SafeIdSchema,
  title: text,
  summary: z.string(),
  source_type: SpecSourceTypeSchema,
  source_id: SafeIdSchema.optional(),
  parent_spec_id: SafeIdSchema.optional(),
  root_idea_id: SafeIdSchema.optional(),
  root_spec_id: SafeIdSchema.optional(),
  created_at: TimestampSchema,
  created_by: text,
  updated_at: TimestampSchema.optional(),
  goals: requiredList(),
  non_goals: list(),
  scope: list(),
  constraints: requiredList(),
  assumptions: list(),
  risks: list(),
  target_paths: list(),
  entrypoints: list(),
  required_skills: list(),
  decomposition_hints: list(),
  acceptance: requiredList(),
  references: requiredList(),
});
export type SpecDocument = z.infer<typeof SpecDocumentSchema>;

export const IncidentDocumentSchema = z
  .strictObject({
    incident_id: SafeIdSchema,
    title: text,
    summary: z.string(),
    root_idea_id: SafeIdSchema.optional(),
    root_spec_id: SafeIdSchema.optional(),
    source_task_id: SafeIdSchema.optional(),
    source_spec_id: SafeIdSchema.optional(),
    source_stage: SourceStageSchema,
    source_plane: SourcePlaneSchema,
    failure_class: text,
    status_hint: IncidentStatusHintSchema.optional(),
    severity: SeveritySchema.default('medium'),
    needs_planning: z.boolean().default(true),
    trigger_reason: text,
    consultant_decision: ConsultantDecisionSchema,
    opened_at: TimestampSchema,
    opened_by: text,
    updated_at: TimestampSchema.optional(),
    observed_symptoms: list(),
    failed_attempts: list(),
    evidence_paths: list(),
    related_run_ids: list(),
    related_stage_results: list(),
    references: list(),
  })
  .superRefine((doc, ctx) => {
    if (!STAGES_BY_PLANE[doc.source_plane].includes(doc.source_stage)) {
      ctx.addIssue({ code: 'custom', path: ['source_stage'], message: 'must belong to source_plane' });
    }
  });
export type IncidentDocument = z.infer<typeof IncidentDocumentSchema>;

export const WORK_DOCUMENT_SCHEMAS = {
  task: TaskDocumentSchema,
  spec: SpecDocumentSchema,
  incident: IncidentDocumentSchema,
} as const;

export type WorkDocumentFields = { task: TaskDocument; spec: SpecDocument; incident: IncidentDocument };

/** Where a parsed document came from: canonical YAML front matter, or the labelled (Python Millrace) format. */
export type WorkDocumentFormat = 'front_matter' | 'labelled';

type Work<K extends WorkDocumentKind> = { kind: K; fields: WorkDocumentFields[K]; body: string; format: WorkDocumentFormat };
export type TaskWorkDocument = Work<'task'>;
export type SpecWorkDocument = Work<'spec'>;
export type IncidentWorkDocument = Work<'incident'>;
/** A validated work document: its contract fields plus the free markdown body that follows them. */
export type WorkDocument = TaskWorkDocument | SpecWorkDocument | IncidentWorkDocument;
export type WorkDocumentOf<K extends WorkDocumentKind> = Extract<WorkDocument, { kind: K }>;

export const ID_FIELD: { [K in WorkDocumentKind]: keyof WorkDocumentFields[K] & string } = {
  task: 'task_id',
  spec: 'spec_id',
  incident: 'incident_id',
};

export function workDocumentId(doc: WorkDocument): string {
  switch (doc.kind) {
    case 'task':
      return doc.fields.task_id;
    case 'spec':
      return doc.fields.spec_id;
    case 'incident':
      return doc.fields.incident_id;
  }
}

/**
 * Canonical field order per kind (scalars, then lists), used by the renderer and the labelled parser.
 * Keys are the snake_case contract names.
 */
export const FIELD_ORDER: { [K in WorkDocumentKind]: { scalars: readonly string[]; lists: readonly string[] } } = {
  task: {
    scalars: ['task_id', 'title', 'summary', 'root_idea_id', 'root_spec_id', 'spec_id', 'parent_task_id', 'incident_id', 'status_hint', 'created_at', 'created_by', 'updated_at'],
    lists: ['depends_on', 'blocks', 'tags', 'target_paths', 'acceptance', 'required_checks', 'references', 'risk'],
  },
  spec: {
    scalars: ['spec_id', 'title', 'summary', 'source_type', 'source_id', 'parent_spec_id', 'root_idea_id', 'root_spec_id', 'created_at', 'created_by', 'updated_at'],
    lists: ['goals', 'non_goals', 'scope', 'constraints', 'assumptions', 'risks', 'target_paths', 'entrypoints', 'required_skills', 'decomposition_hints', 'acceptance', 'references'],
  },
  incident: {
    scalars: [
      'incident_id', 'title', 'summary', 'root_idea_id', 'root_spec_id', 'source_task_id', 'source_spec_id', 'source_stage', 'source_plane',
      'failure_class', 'status_hint', 'severity', 'needs_planning', 'trigger_reason', 'consultant_decision', 'opened_at', 'opened_by', 'updated_at',
    ],
    lists: ['observed_symptoms', 'failed_attempts', 'evidence_paths', 'related_run_ids', 'related_stage_results', 'references'],
  },
};

/**
 * Scalars equal to their default are omitted when rendering (documents.md §4). Spec and incident summaries are
 * required, so an empty one is still written there.
 */
export const FIELD_DEFAULTS: { [K in WorkDocumentKind]: Readonly<Record<string, unknown>> } = {
  task: { summary: '' },
  spec: {},
  incident: { severity: 'medium', needs_planning: true },
};

/** The lineage view of a work document's fields; `spec_id` is a task's spec, an incident's source spec, a spec's own id. */
export function lineageFieldsOf(doc: WorkDocument): Omit<LineageDocument, 'state' | 'path'> {
  // Plain literals, no spread of shared defaults: `{ ...defaults, more }` was ~50x slower in V8, and queue scans
  // call this for every document.
  switch (doc.kind) {
    case 'task': {
      const f = doc.fields;
      return { kind: 'task', id: f.task_id, root_spec_id: f.root_spec_id ?? null, root_idea_id: f.root_idea_id ?? null, spec_id: f.spec_id ?? null, source_type: null, parent_spec_id: null, created_at: f.created_at };
    }
    case 'spec': {
      const f = doc.fields;
      return { kind: 'spec', id: f.spec_id, root_spec_id: f.root_spec_id ?? null, root_idea_id: f.root_idea_id ?? null, spec_id: f.spec_id, source_type: f.source_type, parent_spec_id: f.parent_spec_id ?? null, created_at: f.created_at };
    }
    case 'incident': {
      const f = doc.fields;
      return { kind: 'incident', id: f.incident_id, root_spec_id: f.root_spec_id ?? null, root_idea_id: f.root_idea_id ?? null, spec_id: f.source_spec_id ?? null, source_type: null, parent_spec_id: null, created_at: f.opened_at };
    }
  }
}
