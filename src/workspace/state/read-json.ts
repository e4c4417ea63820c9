import { relative } from 'node:path';
import type * as z from 'zod';
import { errorFromIssues, MillraceError, type ErrorCode } from '../../errors/index.js';
import { MAX_NESTING_DEPTH, textNestingTooDeep } from '../../contracts/input-limits.js';
import { readStateFile } from './state-file.js';

export const REPAIR_HINT = 'run `millrace doctor --fix` to move the bad file to millrace-agents/state/quarantine/ and rebuild the state from the queue folders';

/**
 * Read + JSON.parse + zod-validate a state file (never blocking, never following a link out of the workspace);
 * every failure is one MillraceError naming the file and why. A missing file reads as `absent()`.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  options: { code?: ErrorCode; workspaceRoot: string; absent: () => z.infer<S> },
): Promise<z.infer<S>> {
  const code = options.code ?? 'WORKSPACE_STATE_INVALID';
  const display = relative(options.workspaceRoot, path);
  const read = readStateFile(path, options.workspaceRoot);
  if (read.kind === 'absent') return options.absent();
  if (read.kind === 'refused') throw new MillraceError(code, `${display}: ${read.reason}`, { file: display, hint: REPAIR_HINT });
  if (textNestingTooDeep(read.text)) throw new MillraceError(code, `${display}: (root): nests deeper than the limit of ${MAX_NESTING_DEPTH} levels`, { file: display, field: '(root)', hint: REPAIR_HINT });
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (error) {
    throw new MillraceError(code, `${display}: (root): invalid JSON: ${(error as Error).message}`, { file: display, hint: REPAIR_HINT });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw errorFromIssues(code, display, parsed.error.issues, REPAIR_HINT);
  return parsed.data;
}
