import { BaseCommand } from '../../cli/base-command.js';
import type { ControlResult } from '../../runtime/control/control-result.js';

export type ControlReloadConfigResult = ControlResult;

export default class ControlReloadConfig extends BaseCommand {
  static override summary = 'Reload the config and recompile the plan.';
  static override description = 'A live daemon reloads at its next idle tick (deferred while a work item is in flight). With no daemon the plan is recompiled now. A config or plan that no longer compiles is refused and the last known good plan is kept.';
  static override aliases = ['reload-config', 'config:reload'];
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> control reload-config', '<%= config.bin %> config reload --json'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlReloadConfig);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const { reloadConfigDirect } = await import('../../runtime/control/reload-config.js');
    const registry = await this.registry();
    const result = await runControl(flags.workspace, { action: 'reload_config' }, { reloadDirect: (paths) => reloadConfigDirect(paths, registry) });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
