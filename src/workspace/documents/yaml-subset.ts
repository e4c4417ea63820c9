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

const QUOTE = 39;

/** Whether a plain scalar is one of the words js-yaml reads as a boolean or null (checked by length first). */
const typedWord = (raw: string): boolean => (raw.length === 4 || raw.length === 5) && TYPED_WORDS.has(raw);

function scalar(raw: string, timestampAsText = false): string | Date | undefined {
  if (raw.charCodeAt(0) === QUOTE) {
    // The common case, no quote inside (`''` escapes one), without a match array and a replace.
    if (raw.indexOf("'", 1) === raw.length - 1) return raw.slice(1, -1);
    const quoted = SINGLE_QUOTED.exec(raw);
    return quoted ? quoted[1]!.replace(/''/g, "'") : undefined;
  }
  if (SAFE_PLAIN.test(raw)) return typedWord(raw) ? undefined : raw;
  const timestamp = UTC_TIMESTAMP.exec(raw);
  if (!timestamp) return undefined;
  const [year, month, day, hour, minute, second] = timestamp.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, 0));
  return timestampAsText ? formatTimestamp(date) : date;
}

// Lines are found with indexOf and checked with `test` (no match arrays): scans run without TurboFan, and one
// `exec` result per line was a fifth of a first scan's garbage. The lines read: `key:` (a list follows),
// `key: value`, `- item` / `  - item`, or an empty line; anything else is outside the subset.
const KEY = /^[a-z_][a-z0-9_]*$/;
const RESERVED_KEYS = new Set(['constructor', 'prototype']);
const NEWLINE = 10;
const SPACE = 32;
const DASH = 45;

/**
 * The mapping, or undefined when the text is outside the subset. Timestamps are Dates, as js-yaml returns them,
 * unless `timestampsAsText` is set: then each is `formatTimestamp` of that Date (what readers of work documents
 * turn them into), so callers need not walk the result for Dates.
 */
export function parseYamlSubset(text: string, options: { timestampsAsText?: boolean } = {}): Record<string, unknown> | undefined {
  return parseYamlSubsetRange(text, 0, text.length, options.timestampsAsText === true);
}

// Keys already found valid (a work document has about fifteen, the same in every file): one Set lookup instead of a
// regular expression and two more checks for each key line. Bounded, since keys come from files.
const validKeys = new Set<string>();
const VALID_KEYS_KEPT = 256;

function validKey(key: string): boolean {
  if (validKeys.has(key)) return true;
  if (!KEY.test(key) || key.startsWith('__') || RESERVED_KEYS.has(key)) return false;
  if (validKeys.size < VALID_KEYS_KEPT) validKeys.add(key);
  return true;
}

/**
 * parseYamlSubset of `text.slice(from, to)`, read in place: a document's front matter is parsed without first
 * copying it out of the document (`to` is the end of the block, a line break or the end of the text).
 */
export function parseYamlSubsetRange(text: string, from: number, to: number, asText: boolean): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  // The key whose `key:` line opened a list, and that list once its first item is read (a one-item array literal,
  // not `[]` grown by push, which reserves room for 17).
  let listKey: string | undefined;
  let list: Array<string | Date> | undefined;
  let start = from;
  while (start < to) {
    let end = text.indexOf('\n', start);
    if (end === -1 || end > to) end = to;
    const first = text.charCodeAt(start);
    if (first === NEWLINE) {
      start = end + 1;
      continue; // an empty line
    }
    if (first === DASH || first === SPACE) {
      const itemStart = first === DASH ? start + 2 : start + 4;
      const marker = first === DASH ? text.charCodeAt(start + 1) === SPACE : text.startsWith('  - ', start);
      if (!marker || itemStart > end || (listKey === undefined && list === undefined)) return undefined;
      const value = scalar(text.slice(itemStart, end), asText);
      if (value === undefined) return undefined;
      if (list === undefined) {
        list = [value];
        result[listKey!] = list;
        listKey = undefined;
      } else list.push(value);
      start = end + 1;
      continue;
    }
    if (listKey !== undefined) return undefined; // `key:` with no items is null in YAML
    const colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) return undefined;
    const key = text.slice(start, colon);
    if (!validKey(key) || Object.hasOwn(result, key)) return undefined;
    list = undefined;
    if (colon + 1 === end) {
      listKey = key;
    } else {
      if (text.charCodeAt(colon + 1) !== SPACE) return undefined;
      const value = scalar(text.slice(colon + 2, end), asText);
      if (value === undefined) return undefined;
      result[key] = value;
    }
    start = end + 1;
  }
  if (listKey !== undefined) return undefined;
  return result;
}
