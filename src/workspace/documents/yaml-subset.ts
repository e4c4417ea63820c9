/**
 * A fast reader for the YAML subset our renderer writes (flat `key: value` lines and `key:` + `- item` lists with
 * plain or single-quoted strings), plus unquoted UTC timestamps (`2026-04-15T12:00:00Z`, as the example documents in
 * the shipped prompts write them), read as js-yaml reads them: a Date. Queue scans parse thousands of documents and
 * js-yaml dominated their time; the prompt lint of `compile validate` no longer loads it.
 * Anything outside the subset returns undefined and goes to gray-matter's own YAML engine, so results never
 * differ from js-yaml's (test/unit/workspace/documents/yaml-subset.test.ts compares both).
 */
import { formatTimestamp } from '../../contracts/documents.js';

// Plain scalars js-yaml reads as strings: start with a letter, no indicator or comment characters, no trailing blank.
const SAFE_PLAIN = /^[A-Za-z](?:[A-Za-z0-9 _./@()+,;=-]*[A-Za-z0-9_./@()+,;=-])?$/;
// One form of js-yaml's timestamp type; its construction is js-yaml's for that form (Date.UTC, which also rolls
// over out-of-range parts the same way).
const UTC_TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
const TYPED_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

function scalar(raw: string, timestampAsText = false): string | Date | undefined {
  if (raw.startsWith("'")) {
    const quoted = SINGLE_QUOTED.exec(raw);
    return quoted ? quoted[1]!.replace(/''/g, "'") : undefined;
  }
  if (SAFE_PLAIN.test(raw)) return TYPED_WORDS.has(raw) ? undefined : raw;
  const timestamp = UTC_TIMESTAMP.exec(raw);
  if (!timestamp) return undefined;
  const [year, month, day, hour, minute, second] = timestamp.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, 0));
  return timestampAsText ? formatTimestamp(date) : date;
}

// One line per match, from the sticky position: `key:` (a list follows), `key: value`, `- item` / `  - item`, or an
// empty line. Anything else matches nothing and the text is outside the subset. One native match per line instead of
// splitting and slicing each line in JavaScript: scans run without TurboFan, where each interpreted step counts.
const LINE = /([a-z_][a-z0-9_]*):(?: ([^\n]*))?(?:\n|$)|(?: {2})?- ([^\n]*)(?:\n|$)|\n/y;
const RESERVED_KEYS = new Set(['constructor', 'prototype']);

/**
 * The mapping, or undefined when the text is outside the subset. Timestamps are Dates, as js-yaml returns them,
 * unless `timestampsAsText` is set: then each is `formatTimestamp` of that Date (what readers of work documents
 * turn them into), so callers need not walk the result for Dates.
 */
export function parseYamlSubset(text: string, options: { timestampsAsText?: boolean } = {}): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  let list: Array<string | Date> | undefined;
  LINE.lastIndex = 0; // synchronous and never re-entered, so one sticky expression serves every call
  while (LINE.lastIndex < text.length) {
    const match = LINE.exec(text);
    if (match === null) return undefined;
    const key = match[1];
    if (key === undefined) {
      const item = match[3];
      if (item === undefined) continue; // an empty line
      const value = list && scalar(item, options.timestampsAsText);
      if (value === undefined) return undefined;
      list!.push(value);
      continue;
    }
    if (list && list.length === 0) return undefined; // `key:` with no items is null in YAML
    if (key.startsWith('__') || RESERVED_KEYS.has(key) || Object.hasOwn(result, key)) return undefined;
    const raw = match[2];
    if (raw === undefined) {
      list = [];
      result[key] = list;
      continue;
    }
    const value = scalar(raw, options.timestampsAsText);
    if (value === undefined) return undefined;
    result[key] = value;
    list = undefined;
  }
  if (list && list.length === 0) return undefined;
  return result;
}
