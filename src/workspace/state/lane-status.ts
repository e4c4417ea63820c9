import { join } from 'node:path';
import { STATUS_MARKER_PATTERN } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { replaceTextAtomic, writeTextAtomic } from './atomic-write.js';
import { readStateFile } from './state-file.js';

/** `state/lanes/execution_lane_<n>_status.md`: the status file of one execution lane (docs/parallel.md). */
export function laneStatusFilePath(paths: WorkspacePaths, lane: number): string {
  return join(paths.state, 'lanes', `execution_lane_${lane}_status.md`);
}

/** The lane's marker file as written; undefined when absent or not readable as one (it is then simply rewritten). */
export async function readLaneStatusFile(paths: WorkspacePaths, lane: number): Promise<string | undefined> {
  const read = readStateFile(laneStatusFilePath(paths, lane), paths.workspaceRoot, 'status marker');
  return read.kind === 'text' ? read.text : undefined;
}

/** `retireOld`: the runtime's own saves, which leave the removal of the old version to the thread pool (`replaceTextAtomic`). */
export async function writeLaneStatusFile(paths: WorkspacePaths, lane: number, marker: string, options: { retireOld?: boolean } = {}): Promise<void> {
  if (!STATUS_MARKER_PATTERN.test(marker)) throw new MillraceError('INTERNAL', `status marker must be one line "### <TOKEN>": ${JSON.stringify(marker)}`);
  if ((await readLaneStatusFile(paths, lane)) === `${marker}\n`) return;
  await (options.retireOld ? replaceTextAtomic : writeTextAtomic)(laneStatusFilePath(paths, lane), `${marker}\n`);
}
