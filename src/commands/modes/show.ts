import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { ModeShowView } from '../../views/modes.js';

export type ModesShowResult = ModeShowView;

export default class ModesShow extends BaseCommand {
  static override summary = 'Show one mode (or alias): its loops, per-stage runner/model bindings and contributing plugin.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> modes show default_codex', '<%= config.bin %> modes show standard_plain --json'];
  static override args = { mode: Args.string({ required: true, description: 'Mode id or alias.' }) };

  async run(): Promise<ModesShowResult> {
    const { args, flags } = await this.parse(ModesShow);
    const { buildModeShowView, renderModeShowLines } = await import('../../views/modes.js');
    const { modesRegistryAt } = await import('../../runtime/compile-workspace.js');
    const { registry, warnings } = await modesRegistryAt(flags.workspace, await this.registry());
    for (const warning of warnings) this.addWarning(warning);
    const view = buildModeShowView(registry, args.mode);
    if (!this.jsonEnabled()) for (const line of renderModeShowLines(view)) this.log(line);
    return view;
  }
}
