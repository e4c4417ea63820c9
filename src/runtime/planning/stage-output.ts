import type { ActiveRunState, StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import { renderWorkDocument } from '../../workspace/documents/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { listQueueLocations, readQueueFile, readWorkItem } from '../../workspace/queue/index.js';
import { toWorkspaceRelative } from '../../workspace/arbiter/index.js';
import { writeTextAtomic } from '../../workspace/state/atomic-write.js';
import { PLANNING_OUTPUT_SCOPE, changedFiles, readStageWrites, recordStageWrites, takeQueueListing } from '../../workspace/queue/stage-writes.js';
import { inheritedLineage, stampLineage } from './stamp-lineage.js';

export type PlanningOutputReport = {
  /** Documents written during the run that do not parse: kept in place, reported. */
  invalid: Array<{ path: string; problems: string[] }>;
  /** Documents whose missing lineage fields were filled. */
  stamped: Array<{ kind: WorkDocumentKind; id: string; path: string; fields: string[] }>;
};

/**
 * Check the queue documents a planning run wrote (tasks by the Manager, fan-out specs by the Planner, incidents):
 * each is parsed with the real document parser; invalid ones are reported and kept (the claim later quarantines
 * them, never deletes them); valid ones get the run's lineage where they lack it. Only files a stage of this run
 * created or changed are touched (recorded per stage by `watchPlanningStage`): a document the operator queued
 * meanwhile is never rewritten.
 */
export async function checkPlanningOutput(paths: WorkspacePaths, result: StageResultEnvelope): Promise<PlanningOutputReport> {
  const report: PlanningOutputReport = { invalid: [], stamped: [] };
  if (result.work_item_kind !== 'spec' && result.work_item_kind !== 'incident') return report;
  const source = await readWorkItem(paths, result.work_item_id, result.work_item_kind).catch(() => null);
  const lineage = source ? inheritedLineage(source.document) : null;
  const written = new Set(await readStageWrites(paths, result.run_id));
  if (written.size === 0) return report;
  const locations = await listQueueLocations(paths, PLANNING_OUTPUT_SCOPE);
  for (const location of locations) {
    if (!written.has(toWorkspaceRelative(paths, location.path))) continue;
    const entry = await readQueueFile(paths, location);
    if (!entry) continue;
    if (!('document' in entry)) {
      report.invalid.push({ path: toWorkspaceRelative(paths, location.path), problems: entry.problems.map((p) => `${p.field}: ${p.message}`) });
      continue;
    }
    if (!lineage) continue;
    const { document, stamped } = stampLineage(entry.document, lineage);
    if (stamped.length === 0) continue;
    await writeTextAtomic(location.path, renderWorkDocument(document));
    report.stamped.push({ kind: location.kind, id: location.id, path: toWorkspaceRelative(paths, location.path), fields: stamped });
  }
  return report;
}

/**
 * Before a planning stage runs: list the queue folders; the returned function, called when the stage has finished,
 * records in the run directory which queue files the stage created or changed.
 */
export async function watchPlanningStage(paths: WorkspacePaths, run: ActiveRunState): Promise<() => Promise<void>> {
  const before = await takeQueueListing(paths);
  return async () => recordStageWrites(paths, run.run_id, changedFiles(before, await takeQueueListing(paths)));
}
