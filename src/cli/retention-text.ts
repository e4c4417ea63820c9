import type { ProtectedRun, PrunedRun, RetentionReport } from '../contracts/retention.js';

function owner(run: PrunedRun | ProtectedRun): string {
  if (run.work_item_kind !== null && run.work_item_id !== null) return `${run.work_item_kind} ${run.work_item_id}`;
  if (run.closure_target_root_spec_id !== null) return `closure target ${run.closure_target_root_spec_id}`;
  return 'owner unknown';
}

/** `runs prune` in text: one line per removed (or, dry, removable) run, per protected run, per events log change, then a summary. */
export function retentionReportLines(report: RetentionReport): string[] {
  const verb = report.dry_run ? 'would remove' : 'removed';
  const lines = report.runs.removed.map((r) => `${verb}: run ${r.run_id} (${owner(r)}, last ran ${r.last_ran_at}): ${r.reason}`);
  for (const r of report.runs.protected) lines.push(`kept: run ${r.run_id} (${owner(r)}, last ran ${r.last_ran_at}): ${r.reason}`);
  const log = report.events_log;
  if (log.rotated_to !== null) lines.push(`${report.dry_run ? 'would rotate' : 'rotated'}: events log to ${log.rotated_to}`);
  for (const file of log.removed) lines.push(`${verb}: ${file}`);
  if (log.skipped !== null) lines.push(`events log: not rotated (${log.skipped})`);
  lines.push(`${report.dry_run ? 'dry run: ' : ''}${report.runs.removed.length} of ${report.runs.examined} runs ${report.dry_run ? 'would be ' : ''}removed, ${report.runs.protected.length} protected`);
  return lines;
}
