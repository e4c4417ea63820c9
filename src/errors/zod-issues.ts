import { MillraceError, type ErrorCode } from './millrace-error.js';

type IssueLike = { path: ReadonlyArray<PropertyKey>; message: string };

export function issuePath(issue: IssueLike): string {
  return issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
}

/** One line per issue: `file: dotted.path: message`. */
export function formatIssues(file: string, issues: ReadonlyArray<IssueLike>): string[] {
  return issues.map((issue) => `${file}: ${issuePath(issue)}: ${issue.message}`);
}

/** Turn a zod failure into a single-line MillraceError naming file and field (plus a count of further issues). */
export function errorFromIssues(code: ErrorCode, file: string, issues: ReadonlyArray<IssueLike>, hint?: string): MillraceError {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  const message = first ? `${file}: ${issuePath(first)}: ${first.message}${more}` : `${file}: invalid`;
  return new MillraceError(code, message, { file, field: first ? issuePath(first) : undefined, hint });
}
