import { readFileSync } from 'node:fs';
import type { Plane } from '@millrace/plugin-api';
import { STATUS_MARKER_PATTERN } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { writeTextAtomic } from './atomic-write.js';

export function statusFilePath(paths: WorkspacePaths, plane: Plane): string {
  return plane === 'execution' ? paths.executionStatus : plane === 'planning' ? paths.planningStatus : paths.learningStatus;
}

/** Raw content of a plane status file (undefined when absent). */
export async function readStatusFile(paths: WorkspacePaths, plane: Plane): Promise<string | undefined> {
  try {
    return readFileSync(statusFilePath(paths, plane), 'utf8');
  } catch {
    return undefined;
  }
}

export async function writeStatusFile(paths: WorkspacePaths, plane: Plane, marker: string): Promise<void> {
  if (!STATUS_MARKER_PATTERN.test(marker)) throw new MillraceError('INTERNAL', `status marker must be one line "### <TOKEN>": ${JSON.stringify(marker)}`);
  // A file that already holds exactly this content is left alone (same bytes on disk, one write fewer per plane).
  if ((await readStatusFile(paths, plane)) === `${marker}\n`) return;
  await writeTextAtomic(statusFilePath(paths, plane), `${marker}\n`);
}
