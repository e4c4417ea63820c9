import { relative } from 'node:path';
import type { z } from 'zod';
import { errorFromIssues, MillraceError, type ErrorCode } from '../../errors/index.js';
import { MAX_NESTING_DEPTH, textNestingTooDeep } from '../../contracts/input-limits.js';
import { readBoundedTextSync } from '../bounded-read.js';

/** Read + JSON.parse + zod-validate a state file; every failure is one MillraceError naming the file and field. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, options: { code?: ErrorCode; displayRoot?: string } = {}): Promise<z.infer<S>> {
  const code = options.code ?? 'WORKSPACE_STATE_INVALID';
  const display = options.displayRoot ? relative(options.displayRoot, path) : path;
  // Bounded (state file limit), non-blocking, regular files only: see bounded-read.ts.
  const text = readBoundedTextSync(path, 'state file', { display, code })?.text;
  if (text === undefined) throw new MillraceError(code, `${display}: cannot be read: ENOENT`, { file: display });
  if (textNestingTooDeep(text)) throw new MillraceError(code, `${display}: (root): nests deeper than the limit of ${MAX_NESTING_DEPTH} levels`, { file: display, field: '(root)' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MillraceError(code, `${display}: (root): invalid JSON: ${(error as Error).message}`, { file: display });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw errorFromIssues(code, display, parsed.error.issues);
  return parsed.data;
}
