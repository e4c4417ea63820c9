import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { mailboxOutcomeLines } from '../../cli/queue-text.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { submitWorkDocument, type SubmitOutcome } from '../../workspace/queue/index.js';

export type QueueAddTaskResult = { mode: 'direct'; enqueued_task: string; task_id: string };
/** Printed instead when a running daemon owns the workspace (the document went to its mailbox). */
export type QueueAddTaskMailboxResult = Extract<SubmitOutcome, { mode: 'mailbox' }>;

export default class QueueAddTask extends BaseCommand {
  static override summary = 'Validate a task document (.md or .json) and add it to tasks/queue.';
  static override description =
    'Markdown may use YAML front matter or the labelled format (`Task-ID: x`); it is stored in canonical front-matter form. created_at/created_by are filled in when absent. An invalid document is refused with one line per problem and nothing is written. While a daemon owns the workspace, the document is sent to its mailbox instead.';
  static override aliases = ['add-task'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Task document (.md or .json).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-task task.md', '<%= config.bin %> add-task task.json --json'];

  async run(): Promise<QueueAddTaskResult | QueueAddTaskMailboxResult> {
    const { args, flags } = await this.parse(QueueAddTask);
    const outcome = await submitWorkDocument(requireInitializedWorkspace(flags.workspace), 'task', args.file, { now: new Date(), actor: 'operator' });
    const result: QueueAddTaskResult | QueueAddTaskMailboxResult = outcome.mode === 'mailbox' ? outcome : { mode: 'direct', enqueued_task: outcome.path, task_id: outcome.id ?? '' };
    if (!this.jsonEnabled()) {
      if (result.mode === 'mailbox') for (const line of mailboxOutcomeLines(result)) this.log(line);
      else this.log(`enqueued_task: ${result.enqueued_task}`);
    }
    return result;
  }
}
