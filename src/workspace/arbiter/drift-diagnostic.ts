import { resolve } from 'node:path';
import { writeJsonFileAtomic } from '../state/atomic-write.js';
import { LineageDriftDiagnosticSchema, type ClosureTarget, type LineageDriftFinding } from '../../contracts/closure-target.js';
import type { WorkspacePaths } from '../paths.js';

export const lineageDriftDiagnosticPath = (rootSpecId: string) => `millrace-agents/arbiter/diagnostics/lineage-drift/${rootSpecId}.json`;

/** Record why closure of `target` is blocked by drifted lineage (routing.md §9.9). Returns the workspace-relative path. */
export async function writeLineageDriftDiagnostic(paths: WorkspacePaths, target: ClosureTarget, findings: LineageDriftFinding[], now: string): Promise<string> {
  const rel = lineageDriftDiagnosticPath(target.root_spec_id);
  const diagnostic = LineageDriftDiagnosticSchema.parse({
    schema_version: '1.0',
    kind: 'closure_lineage_drift_diagnostic',
    root_spec_id: target.root_spec_id,
    root_idea_id: target.root_idea_id,
    detected_at: now,
    findings,
    recommended_command: `millrace queue repair-lineage --workspace ${paths.workspaceRoot} --root-spec-id ${target.root_spec_id} --apply`,
  });
  await writeJsonFileAtomic(resolve(paths.workspaceRoot, rel), diagnostic);
  return rel;
}
