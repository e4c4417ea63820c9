import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { RetentionReport } from '../../contracts/retention.js';

export type RunsPruneResult = RetentionReport;

export default class RunsPrune extends BaseCommand {
  static override summary = 'Remove the run directories and rotated events logs that the [retention] policy lets go.';
  static override description =
    'Runs of items that are queued, active or blocked, of an open closure target, and of a running stage are never removed. The usage ledger is never pruned. With a live daemon the events log is left for the daemon to rotate.';
  static override enableJsonFlag = true;
  static override flags = {
    'dry-run': Flags.boolean({ summary: 'Print what would be removed; change nothing.', default: false }),
  };
  static override examples = ['<%= config.bin %> runs prune --dry-run', '<%= config.bin %> runs prune --json'];

  async run(): Promise<RunsPruneResult> {
    const { flags } = await this.parse(RunsPrune);
    const { pruneRuns } = await import('../../runtime/retention-command.js');
    const report = await pruneRuns(flags.workspace, { dryRun: flags['dry-run'], registry: await this.registry() });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/retention-text.js')).retentionReportLines(report)) this.log(line);
    return report;
  }
}
