import { BaseCommand } from '../cli/base-command.js';
import type { InitWorkspaceResult } from '../workspace/init/init-workspace.js';

export type InitResult = InitWorkspaceResult;

export default class Init extends BaseCommand {
  static override summary = 'Create or complete the millrace-agents/ workspace tree.';
  static override description =
    'Creates <workspace>/millrace-agents/ (queues, state, runs, arbiter, mailbox ...), writes the default files, deploys the packaged entrypoints, skills and graphs, and records the baseline manifest. Safe to re-run: existing files, including your edits, are never overwritten.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --workspace ../my-repo --json'];

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const { initWorkspace } = await import('../workspace/init/init-workspace.js');
    const result = await initWorkspace({ workspaceRoot: flags.workspace, packageVersion: this.config.version });
    if (!this.jsonEnabled()) {
      this.log(`workspace: ${result.workspace}`);
      this.log('initialized: true');
      this.log(`created_files: ${result.created_files.length}`);
      this.log(`deployed_assets: ${result.deployed_assets.length}`);
      this.log(`kept_existing_assets: ${result.kept_existing_assets.length}`);
      this.log(`baseline_manifest: ${result.manifest_written ? 'written' : 'kept'}`);
      this.log('');
      this.log('Next steps:');
      this.log('  millrace queue new task --title "First task" > task.md   # a valid skeleton to edit (every field: docs/documents.md)');
      this.log('  millrace queue add-task task.md   # or add it in one step: millrace queue new task --title "..." --write');
      this.log('  millrace config validate          # validate the config and compile the plan');
      this.log('  millrace run once                 # run one stage; `millrace run daemon` keeps going');
      this.log('  millrace status');
      this.log('Commit millrace-agents/ (config, queues, entrypoints, skills, state/baseline_manifest.json);');
      this.log('millrace-agents/.gitignore keeps runs/, logs/ and derived state out of git.');
    }
    const { loadConfig } = await import('../config/load.js');
    const { maximumPermissionWarning } = await import('../config/permission-warning.js');
    const loaded = await loadConfig({ workspaceRoot: result.workspace, registry: await this.registry() }).catch(() => null);
    const permission = loaded ? maximumPermissionWarning(loaded.config) : null;
    if (permission) this.addWarning(permission);
    return result;
  }
}
