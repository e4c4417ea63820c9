import { BaseCommand } from '../../cli/base-command.js';
import { queueOverviewLines } from '../../cli/queue-text.js';
import { buildQueueOverview, type QueueLsResult } from '../../views/queue.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';

export type { QueueLsResult };

export default class QueueLs extends BaseCommand {
  static override summary = 'Count work documents per kind and state, and show the next claimable item per plane.';
  static override description = 'Invalid documents found in queue folders are listed (never deleted) and skipped by selection.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> queue ls', '<%= config.bin %> queue ls --json'];

  async run(): Promise<QueueLsResult> {
    const { flags } = await this.parse(QueueLs);
    const result = await buildQueueOverview(requireInitializedWorkspace(flags.workspace));
    if (!this.jsonEnabled()) for (const line of queueOverviewLines(result)) this.log(line);
    return result;
  }
}
