import type { InputKind } from '../../contracts/input-limits.js';
import { MillraceError } from '../../errors/index.js';
import { readBoundedTextSync, refusalDetail } from '../bounded-read.js';

export { symlinkEscape } from '../bounded-read.js';

/** What reading one state file found: nothing, its text, or why it cannot be used (one line). */
export type StateFileRead = { kind: 'absent' } | { kind: 'text'; text: string } | { kind: 'refused'; reason: string };

/**
 * Read a state file through the one bounded reader (`../bounded-read.ts`): at most its kind's size limit, never
 * blocking (a FIFO is refused), only a regular file, and a symbolic link only when it stays inside `workspaceRoot`.
 * A refusal is returned, not thrown, so each caller decides how a bad file is reported.
 */
export function readStateFile(path: string, workspaceRoot: string, kind: InputKind = 'state file'): StateFileRead {
  try {
    const read = readBoundedTextSync(path, kind, { withinRoot: workspaceRoot, code: 'WORKSPACE_STATE_INVALID' });
    return read === undefined ? { kind: 'absent' } : { kind: 'text', text: read.text };
  } catch (error) {
    if (error instanceof MillraceError) return { kind: 'refused', reason: refusalDetail(error) };
    throw error;
  }
}
