import { MAX_ID_LENGTH } from '../contracts/input-limits.js';
import { isMillraceError, MillraceError } from '../errors/index.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { listRunIds } from '../workspace/state/run-dirs.js';
import { buildRunList, NO_FILTERS } from './run-list.js';

/** What an operator may type where a run id is taken: a full id, any unique prefix (with or without `run-`), or `latest`. */
export const LATEST_RUN = 'latest';

export type RunRefMatch = { kind: 'found'; run_id: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

const REF = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Pure: the run a reference names among the run ids. An exact id wins over a prefix; `run-` may be left out. */
export function selectRunRef(ref: string, runIds: readonly string[]): RunRefMatch {
  if (ref.length === 0 || ref.length > MAX_ID_LENGTH || !REF.test(ref)) return { kind: 'none' };
  if (runIds.includes(ref)) return { kind: 'found', run_id: ref };
  const candidates = runIds.filter((id) => id.startsWith(ref) || (!ref.startsWith('run-') && id.startsWith(`run-${ref}`)));
  if (candidates.length === 1) return { kind: 'found', run_id: candidates[0]! };
  return candidates.length ? { kind: 'ambiguous', candidates: [...candidates].sort() } : { kind: 'none' };
}

const SHOWN_CANDIDATES = 20;

/**
 * The one resolver every command (and the host views plugins read) uses for a run reference. Not found and ambiguous
 * references are errors; an ambiguous one lists the candidates.
 */
export async function resolveRunRef(paths: WorkspacePaths, ref: string): Promise<string> {
  const notFound = () => new MillraceError('NOT_FOUND', `run not found: ${ref}`, { hint: 'list runs with `millrace runs ls`' });
  if (ref === LATEST_RUN) {
    const newest = (await buildRunList(paths, { ...NO_FILTERS, limit: 1 }, new Date())).runs[0];
    if (!newest) throw new MillraceError('NOT_FOUND', 'run not found: latest (there are no runs)');
    return newest.run_id;
  }
  const match = selectRunRef(ref, await listRunIds(paths));
  if (match.kind === 'found') return match.run_id;
  if (match.kind === 'none') throw notFound();
  const shown = match.candidates.slice(0, SHOWN_CANDIDATES);
  const more = match.candidates.length - shown.length;
  throw new MillraceError('INPUT_INVALID', `run id prefix ${ref} is ambiguous: it matches ${match.candidates.length} runs: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`, {
    field: 'run_id',
    hint: 'type more characters of the run id',
  });
}

/** Like `resolveRunRef`, but null when the reference names no single run (for callers that answer "not found" themselves). */
export async function resolveRunRefOrNull(paths: WorkspacePaths, ref: string): Promise<string | null> {
  try {
    return await resolveRunRef(paths, ref);
  } catch (error) {
    if (isMillraceError(error) && (error.code === 'NOT_FOUND' || error.code === 'INPUT_INVALID')) return null;
    throw error;
  }
}
