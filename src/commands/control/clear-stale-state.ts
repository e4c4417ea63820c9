import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { DEFAULT_REASONS, reasonOrDefault, type ControlResult } from '../../runtime/control/control-result.js';

export type ControlClearStaleStateResult = ControlResult;

export default class ControlClearStaleState extends BaseCommand {
  static override summary = 'Requeue every active document, reset the runtime to idle and remove a dead owner\'s lock.';
  static override description = 'Closure targets are kept. With a live daemon the request goes through the mailbox and the lock is left alone.';
  static override aliases = ['clear-stale-state'];
  static override enableJsonFlag = true;
  static override flags = {
    reason: Flags.string({ summary: 'Why the state is cleared (logged next to each requeued document).', default: DEFAULT_REASONS.clear_stale_state }),
  };
  static override examples = ['<%= config.bin %> control clear-stale-state --reason "daemon was killed"'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlClearStaleState);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'clear_stale_state', reason: reasonOrDefault(flags.reason, DEFAULT_REASONS.clear_stale_state) });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
