import { StoredRuntimeSnapshotSchema, RuntimeSnapshotSchema, bootstrapSnapshot, type RuntimeSnapshot } from '../../contracts/runtime-state.js';
import { errorFromIssues } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { replaceJsonAtomic, writeJsonFileAtomic } from './atomic-write.js';
import { readJsonFile } from './read-json.js';

/** `state/runtime_snapshot.json`; a missing file reads as the bootstrap snapshot, an old-style one is migrated. */
export async function readSnapshot(paths: WorkspacePaths): Promise<RuntimeSnapshot> {
  return readJsonFile(paths.snapshot, StoredRuntimeSnapshotSchema, { workspaceRoot: paths.workspaceRoot, absent: () => bootstrapSnapshot(new Date()) });
}

/** Validates before writing, so an inconsistent snapshot never reaches disk (control commands' writes). */
export async function writeSnapshot(paths: WorkspacePaths, snapshot: RuntimeSnapshot): Promise<void> {
  const parsed = RuntimeSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw errorFromIssues('INTERNAL', 'millrace-agents/state/runtime_snapshot.json', parsed.error.issues);
  await writeJsonFileAtomic(paths.snapshot, parsed.data);
}

/** The stored snapshot's top-level field order (the schema's, as a parse would give it). */
const SNAPSHOT_FIELDS = Object.keys(RuntimeSnapshotSchema.shape) as Array<keyof RuntimeSnapshot>;

/**
 * The runtime's own saves (a few per stage): the snapshot it holds was validated when read at start-up and is changed
 * only by its typed decisions, so it is not parsed again on every save (the parse was about a quarter of a stage-start save's
 * time); it is written in the schema's field order, as `writeSnapshot` writes it, leaving the removal of the old
 * version to the thread pool (`replaceJsonAtomic`). Snapshots from anywhere else go through `writeSnapshot`, and every read validates.
 */
export async function saveOwnSnapshot(paths: WorkspacePaths, snapshot: RuntimeSnapshot): Promise<void> {
  const ordered: Partial<Record<keyof RuntimeSnapshot, unknown>> = {};
  for (const field of SNAPSHOT_FIELDS) if (snapshot[field] !== undefined) ordered[field] = snapshot[field];
  await replaceJsonAtomic(paths.snapshot, ordered);
}
