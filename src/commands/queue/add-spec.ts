import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { mailboxOutcomeLines } from '../../cli/queue-text.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { submitWorkDocument, type SubmitOutcome } from '../../workspace/queue/index.js';

export type QueueAddSpecResult = { mode: 'direct'; enqueued_spec: string; spec_id: string };
/** Printed instead when a running daemon owns the workspace (the document went to its mailbox). */
export type QueueAddSpecMailboxResult = Extract<SubmitOutcome, { mode: 'mailbox' }>;

export default class QueueAddSpec extends BaseCommand {
  static override summary = 'Validate a spec document (.md or .json) and add it to specs/queue.';
  static override description =
    'Markdown may use YAML front matter or the labelled format (`Spec-ID: x`); it is stored in canonical front-matter form. created_at/created_by are filled in when absent. An invalid document is refused with one line per problem and nothing is written. While a daemon owns the workspace, the document is sent to its mailbox instead.';
  static override aliases = ['add-spec'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Spec document (.md or .json).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-spec spec.md', '<%= config.bin %> add-spec spec.json --json'];

  async run(): Promise<QueueAddSpecResult | QueueAddSpecMailboxResult> {
    const { args, flags } = await this.parse(QueueAddSpec);
    const outcome = await submitWorkDocument(requireInitializedWorkspace(flags.workspace), 'spec', args.file, { now: new Date(), actor: 'operator' });
    const result: QueueAddSpecResult | QueueAddSpecMailboxResult = outcome.mode === 'mailbox' ? outcome : { mode: 'direct', enqueued_spec: outcome.path, spec_id: outcome.id ?? '' };
    if (!this.jsonEnabled()) {
      if (result.mode === 'mailbox') for (const line of mailboxOutcomeLines(result)) this.log(line);
      else this.log(`enqueued_spec: ${result.enqueued_spec}`);
    }
    return result;
  }
}
