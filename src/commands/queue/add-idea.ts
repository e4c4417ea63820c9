import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { importIdea } from '../../workspace/queue/index.js';

export type QueueAddIdeaResult = { enqueued_idea: string };

export default class QueueAddIdea extends BaseCommand {
  static override summary = 'Copy a free-form markdown idea into ideas/inbox for planning.';
  static override description = 'The file name (without .md) must be a safe identifier; an existing idea of the same name is never replaced.';
  static override aliases = ['add-idea'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Idea markdown file (<name>.md).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-idea auth.md', '<%= config.bin %> add-idea auth.md'];

  async run(): Promise<QueueAddIdeaResult> {
    const { args, flags } = await this.parse(QueueAddIdea);
    const added = await importIdea(requireInitializedWorkspace(flags.workspace), args.file);
    if (!this.jsonEnabled()) this.log(`enqueued_idea: ${added.path}`);
    return { enqueued_idea: added.path };
  }
}
