import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { importWorkDocument } from '../../workspace/queue/index.js';

export type QueueAddTaskResult = { enqueued_task: string; task_id: string };

export default class QueueAddTask extends BaseCommand {
  static override summary = 'Validate a task document (.md or .json) and add it to tasks/queue.';
  static override description =
    'Markdown may use YAML front matter or the labelled format (`Task-ID: x`); it is stored in canonical front-matter form. created_at/created_by are filled in when absent. An invalid document is refused with one line per problem and nothing is written.';
  static override aliases = ['add-task'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Task document (.md or .json).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-task task.md', '<%= config.bin %> add-task task.json --json'];

  async run(): Promise<QueueAddTaskResult> {
    const { args, flags } = await this.parse(QueueAddTask);
    const paths = requireInitializedWorkspace(flags.workspace);
    const added = await importWorkDocument(paths, 'task', args.file, { now: new Date(), actor: 'operator' });
    if (!this.jsonEnabled()) this.log(`enqueued_task: ${added.path}`);
    return { enqueued_task: added.path, task_id: added.id };
  }
}
