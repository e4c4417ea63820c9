import { StoredRuntimeSnapshotSchema, RuntimeSnapshotSchema, bootstrapSnapshot, type RuntimeSnapshot } from '../../contracts/runtime-state.js';
import { errorFromIssues } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { replaceJsonAtomic, writeJsonFileAtomic } from './atomic-write.js';
import { readJsonFile } from './read-json.js';

/** `state/runtime_snapshot.json`; a missing file reads as the bootstrap snapshot, an old-style one is migrated. */
export async function readSnapshot(paths: WorkspacePaths): Promise<RuntimeSnapshot> {
  return readJsonFile(paths.snapshot, StoredRuntimeSnapshotSchema, { workspaceRoot: paths.workspaceRoot, absent: () => bootstrapSnapshot(new Date()) });
}

/**
 * Validates before writing, so an inconsistent snapshot never reaches disk. `retireOld`: the runtime's own saves, which
 * leave the removal of the old version to the thread pool (`replaceTextAtomic`).
 */
export async function writeSnapshot(paths: WorkspacePaths, snapshot: RuntimeSnapshot, options: { retireOld?: boolean } = {}): Promise<void> {
  const parsed = RuntimeSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw errorFromIssues('INTERNAL', 'millrace-agents/state/runtime_snapshot.json', parsed.error.issues);
  await (options.retireOld ? replaceJsonAtomic : writeJsonFileAtomic)(paths.snapshot, parsed.data);
}
