/**
 * Limits on everything Millrace parses from files (docs/errors.md, "Input limits"): no work document, config file,
 * mailbox envelope or state file can exhaust memory or the stack. Sizes are checked before parsing (a reader reads
 * at most limit + 1 bytes), nesting depth before and after parsing, and the parsed tree is walked once, iteratively,
 * with a budget that YAML aliases cannot multiply.
 */

export const KIB = 1024;
export const MIB = 1024 * KIB;

/** What a file is, for its size limit and for the wording of a refusal. */
export type InputKind =
  | 'work document'
  | 'mailbox envelope'
  | 'config file'
  | 'state file'
  | 'idea document'
  | 'status marker'
  | 'lock file'
  | 'stage result'
  | 'events log'
  | 'usage ledger';

export const INPUT_SIZE_LIMITS: Readonly<Record<InputKind, number>> = {
  'work document': 1 * MIB,
  'idea document': 1 * MIB,
  // An add_task/add_spec envelope carries a whole work document, JSON-escaped.
  'mailbox envelope': 2 * MIB,
  'config file': 1 * MIB,
  // Snapshot, counters, compiled plan, parse cache, agent records, closure targets and the other JSON state files.
  'state file': 64 * MIB,
  // `### <TOKEN>` on one line.
  'status marker': 4 * KIB,
  'lock file': 64 * KIB,
  'stage result': 16 * MIB,
  // One events log file; [retention] rotates it at events_log_max_bytes (at most 64 MiB), checked between ticks.
  'events log': 128 * MIB,
  // An accounting record that is never pruned: a line per stage run.
  'usage ledger': 256 * MIB,
};

/** The deepest nesting of mappings and lists any input may have (a work document needs 2, a config 4). */
export const MAX_NESTING_DEPTH = 32;

/** Ids (task, spec, incident, idea file stems, mailbox command ids) fit in one file name on every file system. */
export const MAX_ID_LENGTH = 128;

/** Keys that would reach an object's prototype when assigned; refused in every config file and front matter. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `1 MiB`, `256 KiB`, `17 bytes`. */
export function formatByteSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/** The refusal for a file over its size limit (the message after `file: (file): `). */
export const sizeLimitMessage = (kind: InputKind): string => `larger than the ${formatByteSize(INPUT_SIZE_LIMITS[kind])} limit for ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** Where a parsed tree breaks a limit: a dotted path (`(root)` for the top) and what is wrong. */
export type TreeProblem = { path: string; message: string };

export type TreeLimits = {
  /** Deepest nesting of mappings and lists; default MAX_NESTING_DEPTH. */
  maxDepth?: number;
  /**
   * Budget for the expanded tree: every node counts 1 and every string its length. Text without aliases never
   * exceeds about twice its own length, so `2 * text.length + 1024` refuses alias bombs and nothing else.
   */
  maxWeight: number;
};

const shortKey = (key: string): string => (key.length > 64 ? `${key.slice(0, 61)}...` : key);
const pathText = (path: readonly string[]): string => (path.length === 0 ? '(root)' : path.map(shortKey).join('.'));

/**
 * Pure: the first limit a parsed value (from JSON, YAML or TOML) breaks, or undefined. Iterative, so a deep value
 * cannot overflow the stack, and it stops as soon as the budget runs out, so shared (aliased) subtrees cost at
 * most the budget. Refuses keys that reach a prototype, own or inherited (js-yaml 3 turns a `__proto__` mapping
 * into the object's prototype), and mappings that are not plain objects.
 */
export function treeProblem(value: unknown, limits: TreeLimits): TreeProblem | undefined {
  const maxDepth = limits.maxDepth ?? MAX_NESTING_DEPTH;
  let weight = 0;
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    weight += 1;
    if (typeof node.value === 'string') weight += node.value.length;
    if (weight > limits.maxWeight) return { path: pathText(node.path), message: 'expands beyond the document size (YAML aliases?)' };
    if (typeof node.value !== 'object' || node.value === null || node.value instanceof Date) continue;
    if (node.depth >= maxDepth) return { path: pathText(node.path), message: `nests deeper than the limit of ${maxDepth} levels` };
    if (Array.isArray(node.value)) {
      for (let i = node.value.length - 1; i >= 0; i -= 1) stack.push({ value: node.value[i], path: [...node.path, String(i)], depth: node.depth + 1 });
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(node.value);
    if (prototype !== Object.prototype && prototype !== null) return { path: pathText([...node.path, '__proto__']), message: 'key is not allowed (it would reach the prototype)' };
    const keys = Object.keys(node.value);
    for (const key of keys) if (FORBIDDEN_KEYS.has(key)) return { path: pathText([...node.path, key]), message: 'key is not allowed (it would reach the prototype)' };
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i]!;
      stack.push({ value: (node.value as Record<string, unknown>)[key], path: [...node.path, key], depth: node.depth + 1 });
    }
  }
  return undefined;
}

/** The weight budget for a tree parsed from `text` (see TreeLimits.maxWeight). */
export const weightBudgetFor = (text: string | number): number => 2 * (typeof text === 'string' ? text.length : text) + 1024;

/**
 * Pure: whether `[`/`{` nesting in JSON or YAML flow text goes deeper than `maxDepth`, checked before a recursive
 * parser sees it. Quoted strings and YAML comments are skipped; a bracket inside a YAML plain scalar may be counted,
 * which only makes the check stricter, and a parser that still overflows is caught by its caller.
 */
export function textNestingTooDeep(text: string, maxDepth: number = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let lastSignificant = '\n';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = undefined;
      else if (c === '\n' && quote === "'" && depth === 0) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote opens a string only where a scalar can start; elsewhere (`it's`) it is plain text.
      if ('\n:-[{,?'.includes(lastSignificant)) quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      while (i < text.length && text[i] !== '\n') i += 1;
      lastSignificant = '\n';
      continue;
    } else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') lastSignificant = c;
  }
  return false;
}
