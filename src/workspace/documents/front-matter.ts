import type matterModule from 'gray-matter';
import { createRequire } from 'node:module';
import { formatTimestamp } from '../../contracts/documents.js';
import { MAX_NESTING_DEPTH, textNestingTooDeep, treeProblem, weightBudgetFor } from '../../contracts/input-limits.js';
import { booleanToken } from './labels.js';
import { parseYamlSubset, parseYamlSubsetRange } from './yaml-subset.js';
import type { RawFields } from './labelled-format.js';

const H1_LINE = /^#\s+(.+?)\s*$/m;
type YamlEngine = { parse: (input: string) => object };
type Matter = typeof matterModule;
let loadedMatter: Matter | undefined;
/**
 * gray-matter (CommonJS, with js-yaml) loaded on first use: reads of canonical documents never need it
 * (splitSubsetFrontMatter), and loading it was a measurable share of `queue ls` startup.
 */
const matter = (): Matter => (loadedMatter ??= createRequire(import.meta.url)('gray-matter') as Matter);
// Passing options also keeps gray-matter from caching every parsed text in memory.
const MATTER_OPTIONS = {
  excerpt: false,
  engines: { yaml: { parse: (input: string) => parseYamlSubset(input) ?? jsYaml(input) } },
};
const jsYaml = (input: string) => (matter() as unknown as { engines: { yaml: YamlEngine } }).engines.yaml.parse(input);
/** gray-matter with js-yaml alone: the full parser the subset reader must agree with. */
const FULL_MATTER_OPTIONS = { excerpt: false, engines: { yaml: { parse: jsYaml } } };
// js-yaml (inside gray-matter) accepts dump options; -1 keeps long values on one line.
const DUMP_OPTIONS = { lineWidth: -1, noRefs: true } as unknown as matterModule.GrayMatterOption<string, never>;

/** The text between the opening `---` line and the next `---` line (all of it when unclosed). */
function frontMatterBlock(text: string): string {
  const close = text.indexOf('\n---', 3);
  return close === -1 ? text : text.slice(0, close);
}

/** The text without one leading byte order mark. */
export const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

const FRONT_MATTER_OPENING = /^---[ \t]*(\r?\n|$)/;
/** Whether text opens with a `---` line (the common `---\n` seen without a regular expression). */
export const hasFrontMatter = (text: string): boolean => {
  const unmarked = withoutBom(text);
  return unmarked.startsWith('---\n') || FRONT_MATTER_OPENING.test(unmarked);
};

const LEADING_BLANK_LINES = /^(?:[ \t]*\r?\n)+/;
const LINE_FEED = 10;
const SPACE = 32;
const TAB = 9;
const CARRIAGE_RETURN = 13;

/** Canonical body: no leading blank lines, no trailing whitespace. */
export const normalizeBody = (body: string): string => {
  // Leading empty lines (what renderWorkDocument writes) are skipped without the regular expression.
  let start = 0;
  while (body.charCodeAt(start) === LINE_FEED) start += 1;
  const next = body.charCodeAt(start);
  if (next === SPACE || next === TAB || next === CARRIAGE_RETURN) return body.replace(LEADING_BLANK_LINES, '').trimEnd();
  return (start === 0 ? body : body.slice(start)).trimEnd();
};

/**
 * gray-matter's own split (`---` line, block up to the first `\n---`, one line break dropped after it) for text
 * that opens with `---\n` and whose block is inside the YAML subset: the same data and content gray-matter
 * returns with MATTER_OPTIONS (its engine tries the same subset first), without its per-call overhead, which
 * dominated queue scans. Undefined otherwise, and gray-matter handles the text.
 */
export function splitSubsetFrontMatter(text: string, options: { timestampsAsText?: boolean } = {}): { data: Record<string, unknown>; content: string } | undefined {
  if (!text.startsWith('---\n')) return undefined;
  const close = text.indexOf('\n---', 3);
  const data = parseYamlSubsetRange(text, 3, close === -1 ? text.length : close, options.timestampsAsText === true);
  if (data === undefined) return undefined;
  let content = close === -1 ? '' : text.slice(close + 4);
  if (content.startsWith('\r')) content = content.slice(1);
  if (content.startsWith('\n')) content = content.slice(1);
  return { data, content };
}

/**
 * Read YAML front matter with gray-matter. Unquoted YAML timestamps arrive as Dates and are turned back into
 * ISO strings; when `title` is absent the body's first `# heading` supplies it.
 */
export function readFrontMatterFields(text: string, options: { subset?: boolean } = {}): RawFields & { body?: string } {
  const unmarked = withoutBom(text);
  const subset = options.subset === false ? undefined : splitSubsetFrontMatter(unmarked, { timestampsAsText: true });
  let parsed: { data: unknown; content: string };
  if (!subset && textNestingTooDeep(frontMatterBlock(unmarked))) return { ok: false, field: '(front matter)', message: `nests deeper than the limit of ${MAX_NESTING_DEPTH} levels` };
  try {
    parsed = subset ?? matter()(unmarked, options.subset === false ? FULL_MATTER_OPTIONS : MATTER_OPTIONS);
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, field: '(front matter)', message: `nests deeper than the limit of ${MAX_NESTING_DEPTH} levels` };
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { ok: false, field: '(front matter)', message: `invalid YAML: ${reason}` };
  }
  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, field: '(front matter)', message: 'must be a mapping of field names to values' };
  if (!subset) {
    const problem = treeProblem(data, { maxWeight: weightBudgetFor(unmarked) });
    if (problem) return { ok: false, field: problem.path === '(root)' ? '(front matter)' : problem.path, message: problem.message };
  }
  // The subset reader already gave timestamps as text (what fromYaml makes of a valid Date).
  const fields: Record<string, unknown> = subset ? subset.data : {};
  if (!subset) for (const [key, value] of Object.entries(data)) fields[key] = fromYaml(value);
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
  return `${matter().stringify(content, data, DUMP_OPTIONS).trimEnd()}\n`;
}
