import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { DEFAULT_REASONS, reasonOrDefault, type ControlResult } from '../../runtime/control/control-result.js';

export type ControlRetryActiveResult = ControlResult;

export default class ControlRetryActive extends BaseCommand {
  static override summary = 'Requeue the active work item so it starts over.';
  static override description = 'The document moves from active/ back to its queue folder with the reason logged; its recovery counters are dropped. Through the mailbox when a daemon is live.';
  static override aliases = ['retry-active'];
  static override enableJsonFlag = true;
  static override flags = {
    reason: Flags.string({ summary: 'Why the item is retried (logged next to the requeued document).', default: DEFAULT_REASONS.retry_active }),
  };
  static override examples = ['<%= config.bin %> control retry-active --reason "flaky network"'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlRetryActive);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'retry_active', reason: reasonOrDefault(flags.reason, DEFAULT_REASONS.retry_active) });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
