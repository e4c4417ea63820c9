import { FIELD_DEFAULTS, FIELD_ORDER, type WorkDocument } from '../../contracts/documents.js';
import { writeFrontMatter } from './front-matter.js';

/**
 * Canonical text of a document: YAML front matter in the kind's fixed field order (absent values, defaults and
 * empty lists omitted), then the body. Deterministic, and parse(render(doc)) equals doc.
 */
export function renderWorkDocument(doc: WorkDocument): string {
  const fields = doc.fields as Record<string, unknown>;
  const order = FIELD_ORDER[doc.kind];
  const defaults = FIELD_DEFAULTS[doc.kind];
  const data: Record<string, unknown> = {};
  for (const key of order.scalars) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (key in defaults && defaults[key] === value) continue;
    data[key] = value;
  }
  for (const key of order.lists) {
    const value = fields[key];
    if (Array.isArray(value) && value.length > 0) data[key] = value;
  }
  return writeFrontMatter(data, doc.body);
}
