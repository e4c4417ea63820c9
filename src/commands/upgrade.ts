import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { UpgradeWorkspaceResult } from '../workspace/init/upgrade-workspace.js';

export type UpgradeResult = UpgradeWorkspaceResult;

export default class Upgrade extends BaseCommand {
  static override summary = 'Preview or apply updates of the packaged entrypoints, skills and graphs.';
  static override description =
    'Compares the baseline manifest, the workspace files and the installed package assets, and classifies each managed path (unchanged, safe_package_update, local_only_modification, already_converged, localized_removed, conflict, missing). --apply writes safe updates and restores missing files; any conflict refuses the apply and nothing is written.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> upgrade', '<%= config.bin %> upgrade --apply', '<%= config.bin %> upgrade --json'];
  static override flags = {
    apply: Flags.boolean({ summary: 'Write safe package updates and restore missing files.', default: false }),
    'localize-removed': Flags.string({ summary: 'A package-removed asset path (runtime-root-relative) to keep as a local, unmanaged file.', multiple: true, default: [] }),
    'localize-removed-from': Flags.file({ summary: 'A file listing package-removed paths to keep, one per line (# comments allowed).', exists: false }),
  };

  async run(): Promise<UpgradeResult> {
    const { flags } = await this.parse(Upgrade);
    const { upgradeWorkspace } = await import('../workspace/init/upgrade-workspace.js');
    const result = await upgradeWorkspace({ workspaceRoot: flags.workspace, packageVersion: this.config.version, apply: flags.apply, localizeRemoved: flags['localize-removed'], localizeRemovedFrom: flags['localize-removed-from'] });
    if (!this.jsonEnabled()) {
      this.log(`applied: ${result.applied}`);
      this.log(`baseline_manifest_id: ${result.baseline_manifest_id}`);
      this.log(`candidate_manifest_id: ${result.candidate_manifest_id}`);
      if (result.result_manifest_id) this.log(`result_manifest_id: ${result.result_manifest_id}`);
      for (const [disposition, count] of Object.entries(result.counts)) this.log(`${disposition}: ${count}`);
      for (const entry of result.entries) this.log(`entry: ${entry.relative_path} ${entry.disposition}`);
    }
    return result;
  }
}
