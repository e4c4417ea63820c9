import { BaseCommand } from '../../cli/base-command.js';
import type { ControlResult } from '../../runtime/control/control-result.js';

export type ControlPauseResult = ControlResult;

export default class ControlPause extends BaseCommand {
  static override summary = 'Pause the runtime (operator pause source).';
  static override description = 'With a live daemon (it holds the workspace lock) the command goes through the mailbox and is applied at its next tick; with no daemon it is applied directly.';
  static override aliases = ['pause'];
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> control pause', '<%= config.bin %> pause --json'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlPause);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'pause' });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
