import { selectDeferredRootSpecs } from '../contracts/lineage.js';
import { QUEUED_SPECS, scanLineageDocuments } from '../workspace/arbiter/lineage-documents.js';
import { readClosureTargets } from '../workspace/arbiter/targets.js';
import type { WorkspacePaths } from '../workspace/paths.js';

/** The closure block of `millrace status` (control-and-inspection.md §6). */
export type ClosureStatus = {
  closure_target_root_spec_id: string | null;
  /** `invalid` when more than one target is open. */
  closure_target_open: boolean | 'invalid' | null;
  closure_target_blocked_by_lineage_work: boolean | 'invalid' | null;
  planning_root_specs_deferred_by_closure_target: number | 'invalid';
  closure_target_latest_verdict_path: string | null;
  closure_target_latest_report_path: string | null;
};

export async function readClosureStatus(paths: WorkspacePaths): Promise<ClosureStatus> {
  const open = (await readClosureTargets(paths)).targets.filter((t) => t.closure_open);
  if (open.length > 1) {
    return {
      closure_target_root_spec_id: 'invalid_multiple_open_targets',
      closure_target_open: 'invalid',
      closure_target_blocked_by_lineage_work: 'invalid',
      planning_root_specs_deferred_by_closure_target: 'invalid',
      closure_target_latest_verdict_path: null,
      closure_target_latest_report_path: null,
    };
  }
  const [target] = open;
  if (!target) {
    return {
      closure_target_root_spec_id: null,
      closure_target_open: null,
      closure_target_blocked_by_lineage_work: null,
      planning_root_specs_deferred_by_closure_target: 0,
      closure_target_latest_verdict_path: null,
      closure_target_latest_report_path: null,
    };
  }
  return {
    closure_target_root_spec_id: target.root_spec_id,
    closure_target_open: true,
    closure_target_blocked_by_lineage_work: target.closure_blocked_by_lineage_work,
    planning_root_specs_deferred_by_closure_target: selectDeferredRootSpecs(target.root_spec_id, await scanLineageDocuments(paths, QUEUED_SPECS)).length,
    closure_target_latest_verdict_path: target.latest_verdict_path,
    closure_target_latest_report_path: target.latest_report_path,
  };
}

export function closureStatusLines(c: ClosureStatus): string[] {
  return Object.entries(c).map(([k, v]) => `${k}: ${v === null ? 'none' : String(v)}`);
}
