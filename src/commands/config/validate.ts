import { BaseCommand } from '../../cli/base-command.js';

export type ConfigValidateResult = { workspace: string; valid: true; sources: string[] };

export default class ConfigValidate extends BaseCommand {
  static override summary = 'Validate the config files of a workspace.';
  static override description = 'Loads and validates the effective config (every runner section with its plugin\'s schema). Invalid config prints one line per problem (file: key.path: expected vs received) and exits 1.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> config validate', '<%= config.bin %> config validate --json'];

  async run(): Promise<ConfigValidateResult> {
    const { flags } = await this.parse(ConfigValidate);
    const { readConfigView } = await import('../../views/config-view.js');
    const view = await readConfigView(flags.workspace, await this.registry());
    for (const warning of view.warnings) this.addWarning(warning);
    const result: ConfigValidateResult = { workspace: view.workspace, valid: true, sources: view.sources.map((s) => s.path) };
    if (!this.jsonEnabled()) this.log(`config: valid (${result.sources.length ? result.sources.join(', ') : 'defaults only'})`);
    return result;
  }
}
