/**
 * A fast reader for the YAML subset our renderer writes (flat `key: value` lines and `key:` + `- item` lists with
 * plain or single-quoted strings), plus unquoted UTC timestamps (`2026-04-15T12:00:00Z`, as the example documents in
 * the shipped prompts write them), read as js-yaml reads them: a Date. Queue scans parse thousands of documents and
 * js-yaml dominated their time; the prompt lint of `compile validate` no longer loads it.
 * Anything outside the subset returns undefined and goes to gray-matter's own YAML engine, so results never
 * differ from js-yaml's (test/unit/workspace/documents/yaml-subset.test.ts compares both).
 */

const KEY = /^[a-z_][a-z0-9_]*$/;
// Plain scalars js-yaml reads as strings: start with a letter, no indicator or comment characters, no trailing blank.
const SAFE_PLAIN = /^[A-Za-z](?:[A-Za-z0-9 _./@()+,;=-]*[A-Za-z0-9_./@()+,;=-])?$/;
// One form of js-yaml's timestamp type; its construction is js-yaml's for that form (Date.UTC, which also rolls
// over out-of-range parts the same way).
const UTC_TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
const TYPED_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

function scalar(raw: string): string | Date | undefined {
  if (raw.startsWith("'")) {
    const quoted = SINGLE_QUOTED.exec(raw);
    return quoted ? quoted[1]!.replace(/''/g, "'") : undefined;
  }
  if (SAFE_PLAIN.test(raw)) return TYPED_WORDS.has(raw) ? undefined : raw;
  const timestamp = UTC_TIMESTAMP.exec(raw);
  if (!timestamp) return undefined;
  const [year, month, day, hour, minute, second] = timestamp.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, 0));
}

/** `- item` or `  - item` -> the item text; otherwise undefined. */
function itemText(line: string): string | undefined {
  if (line.startsWith('  - ')) return line.slice(4);
  if (line.startsWith('- ')) return line.slice(2);
  return undefined;
}

export function parseYamlSubset(text: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  let list: Array<string | Date> | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const item = itemText(line);
    if (item !== undefined) {
      const value = list && scalar(item);
      if (value === undefined) return undefined;
      list!.push(value);
      continue;
    }
    if (list && list.length === 0) return undefined; // `key:` with no items is null in YAML
    const colon = line.indexOf(':');
    const key = line.slice(0, colon);
    if (colon < 1 || !KEY.test(key) || key.startsWith('__') || key === 'constructor' || key === 'prototype' || Object.hasOwn(result, key)) return undefined;
    if (colon === line.length - 1) {
      list = [];
      result[key] = list;
      continue;
    }
    if (line[colon + 1] !== ' ') return undefined;
    const value = scalar(line.slice(colon + 2));
    if (value === undefined) return undefined;
    result[key] = value;
    list = undefined;
  }
  if (list && list.length === 0) return undefined;
  return result;
}
