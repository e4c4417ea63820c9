import matter from 'gray-matter';
import { formatTimestamp } from '../../contracts/documents.js';
import { booleanToken } from './labels.js';
import { parseYamlSubset } from './yaml-subset.js';
import type { RawFields } from './labelled-format.js';

const H1_LINE = /^#\s+(.+?)\s*$/m;
type YamlEngine = { parse: (input: string) => object };
const defaultYaml = (matter as unknown as { engines: { yaml: YamlEngine } }).engines.yaml;
// Passing options also keeps gray-matter from caching every parsed text in memory.
const MATTER_OPTIONS = { excerpt: false, engines: { yaml: { parse: (input: string) => parseYamlSubset(input) ?? defaultYaml.parse(input) } } };
// js-yaml (inside gray-matter) accepts dump options; -1 keeps long values on one line.
const DUMP_OPTIONS = { lineWidth: -1, noRefs: true } as unknown as matter.GrayMatterOption<string, never>;

export const hasFrontMatter = (text: string): boolean => /^---[ \t]*(\r?\n|$)/.test(text.replace(/^\uFEFF/, ''));

/** Canonical body: no leading blank lines, no trailing whitespace. */
export const normalizeBody = (body: string): string => body.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();

/**
 * Read YAML front matter with gray-matter. Unquoted YAML timestamps arrive as Dates and are turned back into
 * ISO strings; when `title` is absent the body's first `# heading` supplies it.
 */
export function readFrontMatterFields(text: string): RawFields & { body?: string } {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text.replace(/^\uFEFF/, ''), MATTER_OPTIONS);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { ok: false, field: '(front matter)', message: `invalid YAML: ${reason}` };
  }
  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, field: '(front matter)', message: 'must be a mapping of field names to values' };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) fields[key] = fromYaml(value);
  const body = normalizeBody(parsed.content);
  if (fields.title === undefined) {
    const heading = H1_LINE.exec(body);
    if (heading) fields.title = heading[1]!.trim();
  }
  if (typeof fields.needs_planning === 'string') fields.needs_planning = booleanToken(fields.needs_planning);
  return { ok: true, fields, body };
}

function fromYaml(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : formatTimestamp(value);
  if (Array.isArray(value)) return value.map(fromYaml);
  return value;
}

/** Front matter (keys in the given order) followed by the body; exactly one trailing newline. */
export function writeFrontMatter(data: Record<string, unknown>, body: string): string {
  const content = body === '' ? '' : `\n${body}\n`;
  return `${matter.stringify(content, data, DUMP_OPTIONS).trimEnd()}\n`;
}
