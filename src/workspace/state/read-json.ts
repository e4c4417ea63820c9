import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { z } from 'zod';
import { errorFromIssues, MillraceError, type ErrorCode } from '../../errors/index.js';

/** Read + JSON.parse + zod-validate a state file; every failure is one MillraceError naming the file and field. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, options: { code?: ErrorCode; displayRoot?: string } = {}): Promise<z.infer<S>> {
  const code = options.code ?? 'WORKSPACE_STATE_INVALID';
  const display = options.displayRoot ? relative(options.displayRoot, path) : path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MillraceError(code, `${display}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: display });
  }
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
