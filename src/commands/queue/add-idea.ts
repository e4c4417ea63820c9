import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { mailboxOutcomeLines } from '../../cli/queue-text.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { submitIdea, type SubmitOutcome } from '../../workspace/queue/index.js';

export type QueueAddIdeaResult = { mode: 'direct'; enqueued_idea: string };
/** Printed instead when a running daemon owns the workspace (the document went to its mailbox). */
export type QueueAddIdeaMailboxResult = Extract<SubmitOutcome, { mode: 'mailbox' }>;

export default class QueueAddIdea extends BaseCommand {
  static override summary = 'Copy a free-form markdown idea into millrace-agents/ideas/inbox for planning.';
  static override description =
    'The file name (without .md) must be a safe identifier; an existing idea of the same name (also in the old <workspace>/ideas/inbox, which planning still reads) is never replaced. While a daemon owns the workspace, the idea is sent to its mailbox instead.';
  static override aliases = ['add-idea'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Idea markdown file (<name>.md).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-idea auth.md', '<%= config.bin %> add-idea auth.md'];

  async run(): Promise<QueueAddIdeaResult | QueueAddIdeaMailboxResult> {
    const { args, flags } = await this.parse(QueueAddIdea);
    const outcome = await submitIdea(requireInitializedWorkspace(flags.workspace), args.file, { now: new Date(), actor: 'operator' });
    const result: QueueAddIdeaResult | QueueAddIdeaMailboxResult = outcome.mode === 'mailbox' ? outcome : { mode: 'direct', enqueued_idea: outcome.path };
    if (!this.jsonEnabled()) {
      if (result.mode === 'mailbox') for (const line of mailboxOutcomeLines(result)) this.log(line);
      else this.log(`enqueued_idea: ${result.enqueued_idea}`);
    }
    return result;
  }
}
