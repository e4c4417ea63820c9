/** Closed set of error codes; each maps to one exit code. docs/errors.md holds the same table (a test compares them). */
export const ERROR_EXIT_CODES = {
  FAILED: 1,
  USAGE: 2,
  DOCUMENT_INVALID: 1,
  CONFIG_INVALID: 1,
  ID_INVALID: 1,
  DUPLICATE_ID: 1,
  ENVELOPE_INVALID: 1,
  INPUT_INVALID: 1,
  NOT_FOUND: 1,
  WORKSPACE_NOT_INITIALIZED: 4,
  WORKSPACE_STATE_INVALID: 4,
  LOCK_HELD: 4,
  PLAN_STALE: 4,
  PLAN_MISSING: 4,
  COMPILE_FAILED: 1,
  CONTRIBUTION_MISSING: 1,
  RUNNER_UNKNOWN: 1,
  RUNNER_UNAVAILABLE: 5,
  NO_SPACE: 1,
  INTERNAL: 10,
} as const;
export type ErrorCode = keyof typeof ERROR_EXIT_CODES;

/** Exits that are outcomes, not errors (docs/errors.md, "Other exit codes"). */
export const OUTCOME_EXIT_CODES = {
  OK: 0,
  STAGE_FAILED: 1,
  DOCTOR_FINDINGS: 1,
  UNKNOWN_COMMAND: 127,
  INTERRUPTED: 130,
} as const;

const MARK = Symbol.for('millrace.error');

export type MillraceErrorOptions = {
  hint?: string;
  file?: string;
  field?: string;
  cause?: unknown;
  exitCode?: number;
};

/** The one error type users see. Anything else that escapes a command is a bug. */
export class MillraceError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint?: string;
  readonly file?: string;
  readonly field?: string;
  readonly [MARK] = true;

  constructor(code: ErrorCode, message: string, options: MillraceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MillraceError';
    this.code = code;
    this.exitCode = options.exitCode ?? ERROR_EXIT_CODES[code];
    this.hint = options.hint;
    this.file = options.file;
    this.field = options.field;
  }

  toJSON() {
    return { code: this.code, message: this.message, exitCode: this.exitCode, file: this.file ?? null, field: this.field ?? null, hint: this.hint ?? null };
  }
}

/** A failed write because the disk (or quota) is full; its message names the file (see `writeFailure`). */
export function isNoSpaceError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Cross-package check: each plugin may carry its own copy of this module, so no instanceof. */
export function isMillraceError(error: unknown): error is MillraceError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARK] === true;
}
