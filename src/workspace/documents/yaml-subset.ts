/**
 * A fast reader for the YAML subset our renderer writes (flat `key: value` lines and `key:` + `- item` lists with
 * plain or single-quoted strings). Queue scans parse thousands of documents and js-yaml dominated their time.
 * Anything outside the subset returns undefined and goes to gray-matter's own YAML engine, so results never
 * differ from js-yaml's (test/unit/workspace/documents/yaml-subset.test.ts compares both).
 */

const KEY = /^[a-z_][a-z0-9_]*$/;
// Plain scalars js-yaml reads as strings: start with a letter, no indicator or comment characters, no trailing blank.
const SAFE_PLAIN = /^[A-Za-z](?:[A-Za-z0-9 _./@()+,=-]*[A-Za-z0-9_./@()+,=-])?$/;
const TYPED_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

function scalar(raw: string): string | undefined {
  if (raw.startsWith("'")) {
    const quoted = SINGLE_QUOTED.exec(raw);
    return quoted ? quoted[1]!.replace(/''/g, "'") : undefined;
  }
  if (SAFE_PLAIN.test(raw) && !TYPED_WORDS.has(raw)) return raw;
  return undefined;
}

/** `- item` or `  - item` -> the item text; otherwise undefined. */
function itemText(line: string): string | undefined {
  if (line.startsWith('  - ')) return line.slice(4);
  if (line.startsWith('- ')) return line.slice(2);
  return undefined;
}

export function parseYamlSubset(text: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  let list: string[] | undefined;
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
