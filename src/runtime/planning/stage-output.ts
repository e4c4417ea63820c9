import { stat } from 'node:fs/promises';
import { StageResultEnvelopeSchema, type StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import { renderWorkDocument } from '../../workspace/documents/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { listQueueLocations, readQueueFile, readWorkItem } from '../../workspace/queue/index.js';
import { toWorkspaceRelative } from '../../workspace/arbiter/index.js';
import { writeTextAtomic } from '../../workspace/state/atomic-write.js';
import { readStageResultFiles } from '../../workspace/state/run-dirs.js';
import { inheritedLineage, stampLineage } from './stamp-lineage.js';

export type PlanningOutputReport = {
  /** Documents written during the run that do not parse: kept in place, reported. */
  invalid: Array<{ path: string; problems: string[] }>;
  /** Documents whose missing lineage fields were filled. */
  stamped: Array<{ kind: WorkDocumentKind; id: string; path: string; fields: string[] }>;
};

/** Filesystem timestamps are coarse; a document written in the same second as the run started still counts. */
const MTIME_SLACK_MS = 1000;

async function runStartedAt(paths: WorkspacePaths, result: StageResultEnvelope): Promise<number> {
  let earliest = Date.parse(result.started_at);
  for (const file of (await readStageResultFiles(paths, result.run_id)) ?? []) {
    try {
      const parsed = StageResultEnvelopeSchema.safeParse(JSON.parse(file.text));
      if (parsed.success) earliest = Math.min(earliest, Date.parse(parsed.data.started_at));
    } catch {
      // an unreadable stage result does not widen the window
    }
  }
  return earliest - MTIME_SLACK_MS;
}

/**
 * Check the queue documents a planning run wrote (tasks by the Manager, fan-out specs by the Planner, incidents):
 * each is parsed with the real document parser; invalid ones are reported and kept (the claim later quarantines
 * them, never deletes them); valid ones get the run's lineage where they lack it.
 */
export async function checkPlanningOutput(paths: WorkspacePaths, result: StageResultEnvelope): Promise<PlanningOutputReport> {
  const report: PlanningOutputReport = { invalid: [], stamped: [] };
  if (result.work_item_kind !== 'spec' && result.work_item_kind !== 'incident') return report;
  const source = await readWorkItem(paths, result.work_item_id, result.work_item_kind).catch(() => null);
  const lineage = source ? inheritedLineage(source.document) : null;
  const since = await runStartedAt(paths, result);
  const locations = await listQueueLocations(paths, { task: ['queue'], spec: ['queue'], incident: ['incoming'] });
  for (const location of locations) {
    const info = await stat(location.path).catch(() => null);
    if (!info || info.mtimeMs < since) continue;
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
