import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { queueItemLines } from '../../cli/queue-text.js';
import { buildQueueItemView, type QueueShowResult } from '../../views/queue.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';

export type { QueueShowResult };

export default class QueueShow extends BaseCommand {
  static override summary = "Show one work document's fields, state and path.";
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'Task, spec or incident id.', required: true }) };
  static override examples = ['<%= config.bin %> queue show task-001', '<%= config.bin %> queue show task-001 --json'];

  async run(): Promise<QueueShowResult> {
    const { args, flags } = await this.parse(QueueShow);
    const result = await buildQueueItemView(requireInitializedWorkspace(flags.workspace), args.id);
    if (!this.jsonEnabled()) for (const line of queueItemLines(result)) this.log(line);
    return result;
  }
}
