import type * as z from 'zod';
import { MillraceError } from '../../errors/index.js';

/** One thing wrong with one document: rendered as the single line `file: field: message`. */
export type DocumentProblem = { file: string; field: string; message: string };

export const formatProblem = (p: DocumentProblem): string => `${p.file}: ${p.field}: ${p.message}`;

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** Wording for zod's generic issues; schema-level messages (safe ids, timestamps, list sizes) take precedence. */
export const documentErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return 'unexpected field';
  return undefined;
};

/** zod issues -> one problem per field (an unknown-keys issue becomes one problem per key). */
export function problemsFromIssues(file: string, issues: readonly z.core.$ZodIssue[]): DocumentProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ file, field: [...issue.path, key].join('.'), message: 'unexpected field' }));
    return [{ file, field: issue.path.length ? issue.path.map(String).join('.') : '(document)', message: issue.message }];
  });
}

/**
 * The error thrown for an invalid document: exit code 1 (the queue CLI contract), one line per problem.
 * `file`/`field` name the first problem for the JSON envelope.
 */
export function documentInvalidError(problems: readonly DocumentProblem[], hint?: string): MillraceError {
  const [first] = problems;
  return new MillraceError('DOCUMENT_INVALID', problems.map(formatProblem).join('\n'), {
    exitCode: 1,
    file: first?.file,
    field: first?.field,
    hint,
  });
}
