import {
  ConsultantDecisionSchema,
  IncidentStatusHintSchema,
  SeveritySchema,
  SourcePlaneSchema,
  SourceStageSchema,
  SpecSourceTypeSchema,
  STAGES_BY_PLANE,
  TaskStatusHintSchema,
  parseTimestamp,
  safeIdProblem,
  type WorkDocumentFields,
  type WorkDocumentKind,
} from '../../contracts/documents.js';

/**
 * Precompiled checks for the work-document schemas (contracts/documents.ts), for queue scans, which validate
 * thousands of documents: a document that passes every check gets exactly the fields zod would return (schema key
 * order, defaults filled in, absent optional fields left out). Anything else (an unknown key, a failing check, an
 * unusual value) returns undefined and goes through the zod schema, so problems and their messages come from zod
 * alone. test/unit/workspace/documents/fast-validate.test.ts holds these tables to the schemas.
 */

type Check =
  | { type: 'id' | 'text' | 'string' | 'timestamp' | 'list' | 'requiredList' | 'boolean' }
  | { type: 'enum'; values: ReadonlySet<string> };
type Rule = Check & { optional?: true; default?: unknown };

const id: Rule = { type: 'id' };
const optionalId: Rule = { type: 'id', optional: true };
const text: Rule = { type: 'text' };
const string: Rule = { type: 'string' };
const timestamp: Rule = { type: 'timestamp' };
const optionalTimestamp: Rule = { type: 'timestamp', optional: true };
const list: Rule = { type: 'list' };
const requiredList: Rule = { type: 'requiredList' };
const oneOf = (values: readonly string[], extra: { optional?: true; default?: unknown } = {}): Rule => ({ type: 'enum', values: new Set(values), ...extra });

/** Field rules in schema key order (the order zod's output has). */
export const FAST_RULES: { [K in WorkDocumentKind]: ReadonlyArray<readonly [keyof WorkDocumentFields[K] & string, Rule]> } = {
  task: [
    ['task_id', id], ['title', text], ['summary', { type: 'string', default: '' }], ['root_idea_id', optionalId], ['root_spec_id', optionalId],
    ['spec_id', optionalId], ['parent_task_id', optionalId], ['incident_id', optionalId], ['status_hint', oneOf(TaskStatusHintSchema.options, { optional: true })],
    ['created_at', timestamp], ['created_by', text], ['updated_at', optionalTimestamp], ['depends_on', list], ['blocks', list], ['tags', list],
    ['target_paths', requiredList], ['acceptance', requiredList], ['required_checks', requiredList], ['references', requiredList], ['risk', requiredList],
  ],
  spec: [
    ['spec_id', id], ['title', text], ['summary', string], ['source_type', oneOf(SpecSourceTypeSchema.options)], ['source_id', optionalId],
    ['parent_spec_id', optionalId], ['root_idea_id', optionalId], ['root_spec_id', optionalId], ['created_at', timestamp], ['created_by', text],
    ['updated_at', optionalTimestamp], ['goals', requiredList], ['non_goals', list], ['scope', list], ['constraints', requiredList],
    ['assumptions', list], ['risks', list], ['target_paths', list], ['entrypoints', list], ['required_skills', list],
    ['decomposition_hints', list], ['acceptance', requiredList], ['references', requiredList],
  ],
  incident: [
    ['incident_id', id], ['title', text], ['summary', string], ['root_idea_id', optionalId], ['root_spec_id', optionalId],
    ['source_task_id', optionalId], ['source_spec_id', optionalId], ['source_stage', oneOf(SourceStageSchema.options)],
    ['source_plane', oneOf(SourcePlaneSchema.options)], ['failure_class', text], ['status_hint', oneOf(IncidentStatusHintSchema.options, { optional: true })],
    ['severity', oneOf(SeveritySchema.options, { default: 'medium' })], ['needs_planning', { type: 'boolean', default: true }], ['trigger_reason', text],
    ['consultant_decision', oneOf(ConsultantDecisionSchema.options)], ['opened_at', timestamp], ['opened_by', text], ['updated_at', optionalTimestamp],
    ['observed_symptoms', list], ['failed_attempts', list], ['evidence_paths', list], ['related_run_ids', list],
    ['related_stage_results', list], ['references', list],
  ],
};

const KNOWN: { [K in WorkDocumentKind]: ReadonlySet<string> } = {
  task: new Set(FAST_RULES.task.map(([key]) => key)),
  spec: new Set(FAST_RULES.spec.map(([key]) => key)),
  incident: new Set(FAST_RULES.incident.map(([key]) => key)),
};

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function isTextList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i += 1) if (!isText(value[i])) return false;
  return true;
}

function passes(check: Check, value: unknown): boolean {
  switch (check.type) {
    case 'id':
      return typeof value === 'string' && safeIdProblem(value) === undefined;
    case 'text':
      return isText(value);
    case 'string':
      return typeof value === 'string';
    case 'timestamp':
      return typeof value === 'string' && parseTimestamp(value) !== undefined;
    case 'list':
      return isTextList(value);
    case 'requiredList':
      return isTextList(value) && (value as unknown[]).length > 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && check.values.has(value);
  }
}

/** The fields zod would return for a valid document, or undefined when zod must decide (and word any problem). */
export function fastValidateFields<K extends WorkDocumentKind>(kind: K, fields: Record<string, unknown>): WorkDocumentFields[K] | undefined {
  const known = KNOWN[kind];
  for (const key in fields) if (!known.has(key) || fields[key] === undefined) return undefined;
  const out: Record<string, unknown> = {};
  const rules = FAST_RULES[kind] as ReadonlyArray<readonly [string, Rule]>;
  // Indexed, not `for...of` with destructuring: scans run this without TurboFan, where each iteration of that form
  // allocated iterator results (about a third of a first scan's garbage).
  for (let i = 0; i < rules.length; i += 1) {
    const key = rules[i]![0];
    const rule = rules[i]![1];
    const value = fields[key];
    if (value === undefined) {
      if (rule.default !== undefined) out[key] = rule.default;
      else if (rule.type === 'list') out[key] = [];
      else if (rule.optional !== true) return undefined;
      continue;
    }
    if (!passes(rule, value)) return undefined;
    out[key] = value;
  }
  if (kind === 'incident' && !STAGES_BY_PLANE[out.source_plane as keyof typeof STAGES_BY_PLANE].includes(out.source_stage as string)) return undefined;
  return out as WorkDocumentFields[K];
}
