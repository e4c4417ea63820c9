import type { Plane } from '@millrace/plugin-api';
import { STATUS_MARKER_PATTERN } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { replaceTextAtomic, writeTextAtomic } from './atomic-write.js';
import { REPAIR_HINT } from './read-json.js';
import { readStateFile } from './state-file.js';
import { relative } from 'node:path';

export function statusFilePath(paths: WorkspacePaths, plane: Plane): string {
  return plane === 'execution' ? paths.executionStatus : plane === 'planning' ? paths.planningStatus : paths.learningStatus;
}

/**
 * Raw content of a plane status file (undefined when absent). Content that is not a marker is the runtime's to
 * reconcile; a file that cannot be read as one (a directory, FIFO, link out of the workspace, no permission) is an
 * error naming it.
 */
export async function readStatusFile(paths: WorkspacePaths, plane: Plane): Promise<string | undefined> {
  const path = statusFilePath(paths, plane);
  const read = readStateFile(path, paths.workspaceRoot, 'status marker');
  if (read.kind === 'absent') return undefined;
  if (read.kind === 'text') return read.text;
  const display = relative(paths.workspaceRoot, path);
  throw new MillraceError('WORKSPACE_STATE_INVALID', `${display}: ${read.reason}`, { file: display, hint: REPAIR_HINT });
}

/** `retireOld`: the runtime's own saves, which leave the removal of the old version to the thread pool (`replaceTextAtomic`). */
export async function writeStatusFile(paths: WorkspacePaths, plane: Plane, marker: string, options: { retireOld?: boolean } = {}): Promise<void> {
  if (!STATUS_MARKER_PATTERN.test(marker)) throw new MillraceError('INTERNAL', `status marker must be one line "### <TOKEN>": ${JSON.stringify(marker)}`);
  // A file that already holds exactly this content is left alone (same bytes on disk, one write fewer per plane).
  if ((await readStatusFile(paths, plane)) === `${marker}\n`) return;
  await (options.retireOld ? replaceTextAtomic : writeTextAtomic)(statusFilePath(paths, plane), `${marker}\n`);
}
