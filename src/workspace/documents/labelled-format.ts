import { LABELS, PLACEHOLDER_LISTS, booleanToken, isPlaceholder } from './labels.js';

/** Raw fields read from one document before contract validation, or the first structural problem. */
export type RawFields = { ok: true; fields: Record<string, unknown> } | { ok: false; field: string; message: string };

const H1 = /^#\s+(.+?)\s*$/;
const FIELD_LINE = /^([A-Za-z][A-Za-z0-9-]*):(?:\s*(.*))?$/;
const LIST_ITEM = /^-\s+(.+?)\s*$/;

export const looksLabelled = (text: string): boolean => H1.test(text.split(/\r\n|\n|\r/, 1)[0]!.trim());

/**
 * Read the labelled format (documents.md §3.2): an H1 title, `Label: value` scalars and `Label:` + `- item`
 * lists; other lines are free text. Structural errors stop at the first one, as in the reference.
 */
export function readLabelledFields(text: string): RawFields {
  if (text.trim() === '') return { ok: false, field: '(document)', message: 'work document is empty' };
  const lines = text.split(/\r\n|\n|\r/).map((line) => line.trim());
  const heading = H1.exec(lines[0]!);
  if (!heading) return { ok: false, field: 'title', message: 'must start with a markdown H1 title (`# Title`)' };
  const fields: Record<string, unknown> = {};
  const seen = new Set<string>();
  let i = 1;
  while (i < lines.length) {
    const match = FIELD_LINE.exec(lines[i]!);
    if (!match) {
      i += 1;
      continue;
    }
    const label = match[1]!;
    const value = (match[2] ?? '').trim();
    const def = LABELS.get(label);
    if (!def) {
      i += 1;
      while (i < lines.length && !FIELD_LINE.test(lines[i]!)) i += 1;
      continue;
    }
    if (seen.has(label)) return { ok: false, field: def.field, message: `repeats field \`${label}\`` };
    seen.add(label);
    i += 1;
    if (value !== '') {
      fields[def.field] = def.list ? filterPlaceholders(def.field, [value]) : value;
      continue;
    }
    if (!def.list) {
      let j = i;
      while (j < lines.length && lines[j] === '') j += 1;
      if (j < lines.length && LIST_ITEM.test(lines[j]!)) return { ok: false, field: def.field, message: `has list item under scalar field \`${label}\`` };
      continue;
    }
    const items: string[] = [];
    while (i < lines.length) {
      const line = lines[i]!;
      if (line === '') {
        if (items.length > 0) break;
        i += 1;
        continue;
      }
      if (FIELD_LINE.test(line)) break;
      const item = LIST_ITEM.exec(line);
      if (!item) return { ok: false, field: def.field, message: `has invalid list item under \`${label}\`` };
      items.push(item[1]!.trim());
      i += 1;
    }
    fields[def.field] = filterPlaceholders(def.field, items);
  }
  const title = heading[1]!.trim();
  if (fields.title === undefined) fields.title = title;
  else if (fields.title !== title) return { ok: false, field: 'title', message: 'markdown H1 title must match the `Title` field' };
  if (typeof fields.needs_planning === 'string') fields.needs_planning = booleanToken(fields.needs_planning);
  return { ok: true, fields };
}

function filterPlaceholders(field: string, items: string[]): string[] {
  return PLACEHOLDER_LISTS.has(field) ? items.filter((item) => !isPlaceholder(item)) : items;
}
