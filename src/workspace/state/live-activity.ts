import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LiveActivitySchema, type LiveActivity } from '../../contracts/live-activity.js';
import type { WorkspacePaths } from '../paths.js';
import { writeJsonFileAtomic } from './atomic-write.js';
import { readJsonFile } from './read-json.js';
import { runDirPath } from './run-dirs.js';

export const liveActivityPath = (paths: WorkspacePaths, runId: string) => join(runDirPath(paths, runId), 'live_activity.json');

/** Runtime only: replace the run's live activity file (temp file + rename). */
export async function writeLiveActivity(paths: WorkspacePaths, activity: LiveActivity): Promise<void> {
  await writeJsonFileAtomic(liveActivityPath(paths, activity.run_id), LiveActivitySchema.parse(activity));
}

/** Runtime only: the stage ended, so its live activity is no longer live (a later stage of the run starts without it). */
export function removeLiveActivity(paths: WorkspacePaths, runId: string): void {
  rmSync(liveActivityPath(paths, runId), { force: true });
}

/** The run's live activity, null when the runner reported none; an invalid file is an error naming it. */
export async function readLiveActivity(paths: WorkspacePaths, runId: string): Promise<LiveActivity | null> {
  return readJsonFile(liveActivityPath(paths, runId), LiveActivitySchema.nullable(), { workspaceRoot: paths.workspaceRoot, absent: () => null });
}
