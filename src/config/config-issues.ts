import { MillraceError } from '../errors/index.js';
import { DEFAULTS_SOURCE, type ConfigProvenance } from '../contracts/config.js';
import { sourceOf } from './merge-layers.js';

/** The parts of a zod issue the config layer reads (zod 4 issue objects fit). */
export type ConfigIssue = { path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: ReadonlyArray<string> };

/** A problem already attributed to a file and a dotted key. */
export type ConfigProblem = { file: string; key: string; message: string };

const dotted = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

/**
 * Pure: one problem per issue, attributed to the file that set the offending key
 * (`unrecognized_keys` issues are split into one problem per key).
 */
export function attributeIssues(issues: ReadonlyArray<ConfigIssue>, provenance: ConfigProvenance, prefix: ReadonlyArray<PropertyKey> = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      for (const key of issue.keys) {
        const full = dotted([...path, key]);
        problems.push({ file: fileFor(provenance, full), key: full, message: unknownKeyMessage(path) });
      }
      continue;
    }
    const key = dotted(path) || '(root)';
    problems.push({ file: fileFor(provenance, key), key, message: issue.message });
  }
  return problems;
}

function unknownKeyMessage(parent: ReadonlyArray<PropertyKey>): string {
  if (parent.length === 1 && parent[0] === 'stages') return 'unknown stage name';
  return parent.length === 0 ? 'unknown section' : 'unknown key';
}

/** The file that set `key`, one of its ancestors, or (for a table such as an unknown section) one of its leaves. */
function fileFor(provenance: ConfigProvenance, key: string): string {
  const source = sourceOf(provenance, key);
  if (source !== DEFAULTS_SOURCE) return source;
  const below = Object.entries(provenance).find(([k]) => k.startsWith(`${key}.`));
  return below ? below[1] : 'config';
}

/** One CONFIG_INVALID error whose message has one line per problem: `file: key.path: message`. */
export function configInvalidError(problems: ReadonlyArray<ConfigProblem>): MillraceError {
  const lines = problems.map((p) => `${p.file}: ${p.key}: ${p.message}`);
  const [first] = problems;
  return new MillraceError('CONFIG_INVALID', lines.join('\n'), {
    file: first?.file,
    field: first?.key,
    hint: 'fix the key(s) above; `millrace config show` prints the effective config and where each value comes from',
  });
}
