/**
 * A fast reader for the YAML subset our renderer writes (flat `key: value` lines and `key:` + `- item` lists with
 * plain or single-quoted strings). Queue scans parse thousands of documents and js-yaml dominated their time.
 * Anything outside the subset returns undefined and goes to gray-matter's own YAML engine, so results never
 * differ from js-yaml's (test/unit/workspace/documents/yaml-subset.test.ts compares both).
 */

const KEY_LINE = /^([a-z_][a-z0-9_]*):(?: (.*))?$/;
const ITEM_LINE = /^(?: {2})?- (.*)$/;
// Plain scalars js-yaml reads as strings: start with a letter, no indicator or comment characters, no trailing blank.
const SAFE_PLAIN = /^[A-Za-z](?:[A-Za-z0-9 _./@()+,=-]*[A-Za-z0-9_./@()+,=-])?$/;
const TYPED_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

function scalar(raw: string): string | undefined {
  const quoted = SINGLE_QUOTED.exec(raw);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  if (SAFE_PLAIN.test(raw) && !TYPED_WORDS.has(raw)) return raw;
  return undefined;
}

export function parseYamlSubset(text: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  let list: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const item = ITEM_LINE.exec(line);
    if (item) {
      const value = list && scalar(item[1]!);
      if (value === undefined) return undefined;
      list!.push(value);
      continue;
    }
    if (list && list.length === 0) return undefined; // `key:` with no items is null in YAML
    const field = KEY_LINE.exec(line);
    if (!field || field[1]! in result) return undefined;
    if (field[2] === undefined) {
      list = [];
      result[field[1]!] = list;
      continue;
    }
    const value = scalar(field[2]);
    if (value === undefined) return undefined;
    result[field[1]!] = value;
    list = undefined;
  }
  if (list && list.length === 0) return undefined;
  return result;
}
