import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { MigrateWorkspaceResult } from '../workspace/init/migrate-workspace.js';

export type MigrateResult = MigrateWorkspaceResult;

export default class Migrate extends BaseCommand {
  static override summary = "Move a workspace onto this version's entrypoints, skills and graphs (e.g. one the Python reference created).";
  static override description =
    "Preview by default; --apply changes the workspace. Classifies every managed asset like `upgrade`, then: keeps your edits of files the package did not change; converts untouched old assets to the shipped ones; replaces old assets you edited with the shipped ones; restores missing ones; sets aside assets this version does not ship (learning plane, the reference's Python helpers, its modes, legacy loops and stage-kind registry). Every replaced or retired file is moved (never deleted) to millrace-agents/migration/<time>/ under its own path. The apply writes a fresh baseline manifest and adds missing bootstrap files; it refuses while a runtime owns the workspace. Queues, state, config and runs are not touched.";
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> migrate', '<%= config.bin %> migrate --apply', '<%= config.bin %> migrate --apply --json'];
  static override flags = {
    apply: Flags.boolean({ summary: 'Move, convert and restore the assets as previewed.', default: false }),
  };

  async run(): Promise<MigrateResult> {
    const { flags } = await this.parse(Migrate);
    const { migrateWorkspace } = await import('../workspace/init/migrate-workspace.js');
    const result = await migrateWorkspace({ workspaceRoot: flags.workspace, packageVersion: this.config.version, apply: flags.apply });
    if (!this.jsonEnabled()) {
      this.log(`applied: ${result.applied}`);
      this.log(`seed_package_version: ${result.from_seed_package_version} -> ${result.to_seed_package_version}`);
      this.log(`set_aside_dir: ${result.set_aside_dir}`);
      for (const [action, count] of Object.entries(result.counts)) this.log(`${action}: ${count}`);
      for (const e of result.entries) this.log(`entry: ${e.relative_path} ${e.action}${e.set_aside_to ? ` (moved to ${e.set_aside_to})` : ''}`);
      if (result.applied) {
        for (const file of result.created_files) this.log(`created: millrace-agents/${file}`);
        for (const folder of result.removed_empty_folders) this.log(`removed empty folder: millrace-agents/${folder}`);
        this.log(`result_manifest_id: ${result.result_manifest_id}`);
        this.log('Next: `millrace compile validate`, then compare your edits in the set-aside folder with the shipped files.');
      } else if (result.entries.length > 0) this.log('Preview only: run `millrace migrate --apply` to make these changes.');
    }
    return result;
  }
}
