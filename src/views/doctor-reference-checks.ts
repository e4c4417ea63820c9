import type { Plane } from '@millrace/plugin-api';
import { resolve } from 'node:path';
import type { ClosureTarget, LineageDriftFinding } from '../contracts/closure-target.js';
import type { LineageDocument } from '../contracts/lineage.js';
import { STATUS_MARKER_PATTERN } from '../contracts/runtime-state.js';
import { isMillraceError } from '../errors/index.js';
import { isWorkspaceLintError, lintWorkspaceAssets } from './asset-lint.js';
import { readClosureTargets, scanLineageDocuments } from '../workspace/arbiter/index.js';
import { readBaselineManifest } from '../workspace/init/baseline-manifest.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { readStatusFile, statusFilePath } from '../workspace/state/status-files.js';

/** The shape of a doctor finding these checks report (the doctor view owns the full type). */
type Finding = { severity: 'error' | 'warning'; code: string; path?: string | null; message: string; remedy: string };

/** Execution and planning status files hold one `### <TOKEN>` line (control-and-inspection.md §9). */
export async function checkStatusMarkers(paths: WorkspacePaths, add: (f: Finding) => void): Promise<void> {
  for (const plane of ['execution', 'planning'] as const satisfies readonly Plane[]) {
    // A file that cannot be read as text is reported by the state-file check (state_file_invalid).
    const content = await readStatusFile(paths, plane).catch(() => undefined);
    if (content === undefined) continue; // reported as missing_file
    const marker = content.endsWith('\n') ? content.slice(0, -1) : content;
    if (STATUS_MARKER_PATTERN.test(marker)) continue;
    add({
      severity: 'error',
      code: `${plane}_status_invalid`,
      path: statusFilePath(paths, plane),
      message: `status marker must be one line "### <TOKEN>", found ${JSON.stringify(marker.length > 60 ? `${marker.slice(0, 60)}…` : marker)}`,
      remedy: 'run `millrace clear-stale-state` (rewrites every status file to `### IDLE`) while no runtime is active',
    });
  }
}

/** `state/baseline_manifest.json` parses and validates (control-and-inspection.md §9). */
export async function checkBaselineManifest(paths: WorkspacePaths, add: (f: Finding) => void): Promise<void> {
  try {
    await readBaselineManifest(paths.baselineManifest, 'millrace-agents/state/baseline_manifest.json', paths.workspaceRoot);
  } catch (error) {
    if (!isMillraceError(error)) throw error;
    add({ severity: 'error', code: 'baseline_manifest_invalid', path: paths.baselineManifest, message: error.message, remedy: 'restore the file from version control, or delete it and run `millrace init` to write a new baseline' });
  }
}

/** The runtime's drift rule (routing.md §9.9), injected by the command (views do not import the runtime). */
export type DetectLineageDrift = (target: ClosureTarget, documents: readonly LineageDocument[]) => LineageDriftFinding[];

/** Open documents whose lineage disagrees with an open closure target (routing.md §9.9). */
export async function checkClosureLineageDrift(paths: WorkspacePaths, detectLineageDrift: DetectLineageDrift, add: (f: Finding) => void): Promise<void> {
  const open = (await readClosureTargets(paths)).targets.filter((t) => t.closure_open);
  if (open.length !== 1) return; // none, or several (reported as closure_target_state_invalid)
  const target = open[0]!;
  for (const finding of detectLineageDrift(target, await scanLineageDocuments(paths))) {
    add({
      severity: 'error',
      code: 'closure_lineage_drift',
      path: resolve(paths.workspaceRoot, finding.path),
      message: `${finding.work_item_kind} ${finding.work_item_id} has root ${finding.actual_root_spec_id ?? 'none'}; expected ${finding.expected_root_spec_id}`,
      remedy: `set its root_spec_id to ${finding.expected_root_spec_id} (or move it out of the queue) while no runtime is active`,
    });
  }
}

/**
 * Entrypoint/skill lint of the deployed assets (control-and-inspection.md §9 `asset_lint_<level>`): each finding is
 * a warning naming its file; missing stage files are reported as `missing_asset` by the doctor itself.
 */
export function checkAssetLint(paths: WorkspacePaths, add: (f: Finding) => void): void {
  for (const problem of lintWorkspaceAssets(paths)) {
    if (isWorkspaceLintError(problem)) continue;
    add({
      severity: 'warning',
      code: `asset_lint_${problem.rule.toLowerCase()}`,
      path: resolve(paths.runtimeRoot, problem.file),
      message: problem.message,
      remedy: 'the runtime still runs; to restore the shipped instructions run `millrace upgrade` (see docs/stages.md for what the lint expects)',
    });
  }
}
