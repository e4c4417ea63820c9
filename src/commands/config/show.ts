import { BaseCommand } from '../../cli/base-command.js';
import type { ConfigShowView } from '../../views/config-view.js';

export type ConfigShowResult = ConfigShowView;

export default class ConfigShow extends BaseCommand {
  static override summary = 'Print the effective config and where each value came from.';
  static override description =
    'Effective config = defaults, then millrace-agents/millrace.toml, then the nearest cosmiconfig file (package.json "millrace", .millracerc*, millrace.config.*) from the workspace up to the repo root. See docs/config.md.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> config show', '<%= config.bin %> config show --json'];

  async run(): Promise<ConfigShowResult> {
    const { flags } = await this.parse(ConfigShow);
    const { readConfigView, renderConfigLines } = await import('../../views/config-view.js');
    const view = await readConfigView(flags.workspace, await this.registry());
    for (const warning of view.warnings) this.addWarning(warning);
    if (!this.jsonEnabled()) for (const line of renderConfigLines(view)) this.log(line);
    return view;
  }
}
