import {
  WORK_DOCUMENT_SCHEMAS,
  formatTimestamp,
  type WorkDocumentOf,
  type WorkDocumentFormat,
  type WorkDocumentKind,
} from '../../contracts/documents.js';
import { INPUT_SIZE_LIMITS, MAX_NESTING_DEPTH, sizeLimitMessage, textNestingTooDeep, treeProblem, weightBudgetFor } from '../../contracts/input-limits.js';
import { documentErrorMap, documentInvalidError, problemsFromIssues, type DocumentProblem } from './problems.js';
import { hasFrontMatter, readFrontMatterFields, withoutBom } from './front-matter.js';
import { readLabelledFields, type RawFields } from './labelled-format.js';
import { fastValidateFields } from './fast-validate.js';

/** Filled in on intake when the document does not say (created_at/created_by; opened_at/opened_by for incidents). */
export type IntakeDefaults = { now: Date; actor: string };

export type ParseOptions = {
  intake?: IntakeDefaults;
  /** Skip the fast paths (front-matter subset reader, precompiled checks): tests hold both paths to one result. */
  fullParser?: boolean;
};

export type ValidationResult<K extends WorkDocumentKind = WorkDocumentKind> = { ok: true; document: WorkDocumentOf<K> } | { ok: false; problems: DocumentProblem[] };

/**
 * Validate a markdown work document of a known kind. Text starting with `---` is canonical (YAML front matter
 * + body); text starting with `# Title` is the labelled format, whose original text becomes the body.
 * Returns every contract problem, one per field.
 */
export function validateWorkDocumentText<K extends WorkDocumentKind>(kind: K, input: string, file: string, options: ParseOptions = {}): ValidationResult<K> {
  const tooLarge = sizeProblem(input, file);
  if (tooLarge) return { ok: false, problems: [tooLarge] };
  const text = withoutBom(input);
  const format: WorkDocumentFormat = hasFrontMatter(text) ? 'front_matter' : 'labelled';
  const raw: RawFields & { body?: string } = format === 'front_matter' ? readFrontMatterFields(text, { subset: options.fullParser !== true }) : readLabelledFields(text);
  if (!raw.ok) return { ok: false, problems: [{ file, field: raw.field, message: raw.message }] };
  const body = format === 'front_matter' ? (raw.body ?? '') : text.trimEnd();
  return validateFields(kind, raw.fields, body, format, file, options);
}

/** Like validateWorkDocumentText, but throws DOCUMENT_INVALID (exit 1, one line per problem). */
export function parseWorkDocument<K extends WorkDocumentKind>(kind: K, text: string, file: string, options: ParseOptions = {}): WorkDocumentOf<K> {
  const result = validateWorkDocumentText(kind, text, file, options);
  if (!result.ok) throw documentInvalidError(result.problems);
  return result.document;
}

/**
 * JSON import (documents.md §6.5): an object with the contract's snake_case fields. `schema_version` and
 * `kind` may be present but must equal "1.0" and the kind. No placeholder filtering. A `null` value counts as
 * absent (the reference's JSON form writes every optional field, unset ones as null).
 */
export function validateWorkDocumentJson<K extends WorkDocumentKind>(kind: K, text: string, file: string, options: ParseOptions = {}): ValidationResult<K> {
  const tooLarge = sizeProblem(text, file);
  if (tooLarge) return { ok: false, problems: [tooLarge] };
  if (textNestingTooDeep(text)) return { ok: false, problems: [{ file, field: '(document)', message: `nests deeper than the limit of ${MAX_NESTING_DEPTH} levels` }] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ file, field: '(document)', message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problems: [{ file, field: '(document)', message: 'must be a JSON object' }] };
  const problem = treeProblem(data, { maxWeight: weightBudgetFor(text) });
  if (problem) return { ok: false, problems: [{ file, field: problem.path === '(root)' ? '(document)' : problem.path, message: problem.message }] };
  const present = Object.entries(data as Record<string, unknown>).filter(([, value]) => value !== null);
  return validateFields(kind, Object.fromEntries(present), '', 'front_matter', file, options);
}

export function parseWorkDocumentJson<K extends WorkDocumentKind>(kind: K, text: string, file: string, options: ParseOptions = {}): WorkDocumentOf<K> {
  const result = validateWorkDocumentJson(kind, text, file, options);
  if (!result.ok) throw documentInvalidError(result.problems);
  return result.document;
}

/** A document text over the work-document size limit (the reader refuses larger files before reading them). */
function sizeProblem(text: string, file: string): DocumentProblem | undefined {
  const limit = INPUT_SIZE_LIMITS['work document'];
  if (text.length * 3 <= limit || Buffer.byteLength(text, 'utf8') <= limit) return undefined;
  return { file, field: '(file)', message: sizeLimitMessage('work document') };
}

function validateFields<K extends WorkDocumentKind>(
  kind: K,
  fields: Record<string, unknown>,
  body: string,
  format: WorkDocumentFormat,
  file: string,
  options: ParseOptions,
): ValidationResult<K> {
  const problems: DocumentProblem[] = [];
  // The envelope fields may be given but must match; checked one by one (no entries arrays: this runs per file of a scan).
  if ('schema_version' in fields) checkEnvelopeField(fields, 'schema_version', '1.0', file, problems);
  if ('kind' in fields) checkEnvelopeField(fields, 'kind', kind, file, problems);
  if (options.intake) applyIntakeDefaults(kind, fields, options.intake);
  const fast = problems.length === 0 && options.fullParser !== true ? fastValidateFields(kind, fields) : undefined;
  if (fast !== undefined) return { ok: true, document: { kind, fields: fast, body, format } as WorkDocumentOf<K> };
  const parsed = WORK_DOCUMENT_SCHEMAS[kind].safeParse(fields, { error: documentErrorMap });
  if (!parsed.success) problems.push(...problemsFromIssues(file, parsed.error.issues));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, document: { kind, fields: parsed.data, body, format } as WorkDocumentOf<K> };
}

function checkEnvelopeField(fields: Record<string, unknown>, key: string, expected: string, file: string, problems: DocumentProblem[]): void {
  if (fields[key] !== expected) problems.push({ file, field: key, message: `must be ${JSON.stringify(expected)}` });
  delete fields[key];
}

function applyIntakeDefaults(kind: WorkDocumentKind, fields: Record<string, unknown>, intake: IntakeDefaults): void {
  const [at, by] = kind === 'incident' ? ['opened_at', 'opened_by'] : ['created_at', 'created_by'];
  if (fields[at] === undefined || fields[at] === null) fields[at] = formatTimestamp(intake.now);
  if (fields[by] === undefined || fields[by] === null) fields[by] = intake.actor;
}
