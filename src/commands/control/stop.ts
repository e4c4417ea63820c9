import { BaseCommand } from '../../cli/base-command.js';
import type { ControlResult } from '../../runtime/control/control-result.js';

export type ControlStopResult = ControlResult;

export default class ControlStop extends BaseCommand {
  static override summary = 'Stop the runtime and reset it to idle.';
  static override description = 'With a live daemon (it holds the workspace lock) the command goes through the mailbox and is applied at its next tick; with no daemon it is applied directly.';
  static override aliases = ['stop'];
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> control stop', '<%= config.bin %> stop --json'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlStop);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'stop' });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
