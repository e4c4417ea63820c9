import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { DEFAULT_REASONS, reasonOrDefault, type ControlResult } from '../../runtime/control/control-result.js';

export type ControlRetryActiveResult = ControlResult;

export default class ControlRetryActive extends BaseCommand {
  static override summary = 'Requeue the active work item so it starts over.';
  static override description =
    'The document moves from active/ back to its queue folder with the reason logged; its recovery counters are dropped. Through the mailbox when a daemon is live. ' +
    'With execution lanes, --item names the task to retry (its lane is freed and a stage running in it is aborted); without it, several busy lanes are refused with the list of active items.';
  static override aliases = ['retry-active'];
  static override enableJsonFlag = true;
  static override flags = {
    reason: Flags.string({ summary: 'Why the item is retried (logged next to the requeued document).', default: DEFAULT_REASONS.retry_active }),
    item: Flags.string({ summary: 'The active work item to retry (needed when several lanes are busy).' }),
  };
  static override examples = ['<%= config.bin %> control retry-active --reason "flaky network"', '<%= config.bin %> retry-active --item task-7'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlRetryActive);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'retry_active', reason: reasonOrDefault(flags.reason, DEFAULT_REASONS.retry_active), ...(flags.item ? { item: flags.item } : {}) });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
