import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { DEFAULT_REASONS, reasonOrDefault, type ControlResult } from '../../runtime/control/control-result.js';

export type PlanningRetryActiveResult = ControlResult;

export default class PlanningRetryActive extends BaseCommand {
  static override summary = 'Requeue the active planning item (spec or incident).';
  static override description = 'Refused when no planning work is active. Through the mailbox when a daemon is live.';
  static override enableJsonFlag = true;
  static override flags = {
    reason: Flags.string({ summary: 'Why the item is retried.', default: DEFAULT_REASONS.planning_retry_active }),
  };
  static override examples = ['<%= config.bin %> planning retry-active --reason "spec was rewritten"'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(PlanningRetryActive);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'retry_active', scope: 'planning', reason: reasonOrDefault(flags.reason, DEFAULT_REASONS.planning_retry_active) });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
