import { BaseCommand } from '../../cli/base-command.js';
import type { ModesListView } from '../../views/modes.js';

export type ModesListResult = ModesListView;

export default class ModesList extends BaseCommand {
  static override summary = 'List the modes contributed by installed plugins (and the workspace, if initialized), with their loops, runners and aliases.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> modes list', '<%= config.bin %> modes list --json'];

  async run(): Promise<ModesListResult> {
    const { flags } = await this.parse(ModesList);
    const { buildModesListView, renderModesListLines } = await import('../../views/modes.js');
    const { modesRegistryAt } = await import('../../runtime/compile-workspace.js');
    const { registry, warnings } = await modesRegistryAt(flags.workspace, await this.registry());
    for (const warning of warnings) this.addWarning(warning);
    const view = buildModesListView(registry);
    if (!this.jsonEnabled()) for (const line of renderModesListLines(view)) this.log(line);
    for (const problem of view.problems) this.addWarning(problem);
    return view;
  }
}
