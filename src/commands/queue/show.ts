import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { queueItemLines } from '../../cli/queue-text.js';
import type { ItemHistory } from '../../views/item-history.js';
import { buildQueueItemView, type QueueShowResult as QueueItemView } from '../../views/queue.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';

/** `history` only with --history. */
export type QueueShowResult = QueueItemView & { history?: ItemHistory };
export type { ItemHistory };

export default class QueueShow extends BaseCommand {
  static override summary = "Show one work document's fields, state and path.";
  static override description = "With --history, also the item's path through the stages: each stage run with its run id, result, duration, tokens and where the router sent the item next (from the run artifacts, the usage ledger and the events log).";
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'Task, spec or incident id.', required: true }) };
  static override flags = { history: Flags.boolean({ summary: "Add the item's stage runs, oldest first." }) };
  static override examples = ['<%= config.bin %> queue show task-001', '<%= config.bin %> queue show task-001 --history', '<%= config.bin %> queue show task-001 --history --json'];

  async run(): Promise<QueueShowResult> {
    const { args, flags } = await this.parse(QueueShow);
    const paths = requireInitializedWorkspace(flags.workspace);
    const item = await buildQueueItemView(paths, args.id);
    let result: QueueShowResult = item;
    if (flags.history) {
      const { readItemHistory } = await import('../../views/item-history.js');
      result = { ...item, history: await readItemHistory(paths, item.work_item_id) };
    }
    if (!this.jsonEnabled()) {
      for (const line of queueItemLines(item)) this.log(line);
      if (result.history) {
        const { renderItemHistory } = await import('../../views/item-history.js');
        this.log('');
        for (const line of renderItemHistory(result.history)) this.log(line);
      }
    }
    return result;
  }
}
