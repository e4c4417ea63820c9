import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { importWorkDocument } from '../../workspace/queue/index.js';

export type QueueAddSpecResult = { enqueued_spec: string; spec_id: string };

export default class QueueAddSpec extends BaseCommand {
  static override summary = 'Validate a spec document (.md or .json) and add it to specs/queue.';
  static override description =
    'Markdown may use YAML front matter or the labelled format (`Spec-ID: x`); it is stored in canonical front-matter form. created_at/created_by are filled in when absent. An invalid document is refused with one line per problem and nothing is written.';
  static override aliases = ['add-spec'];
  static override enableJsonFlag = true;
  static override args = { file: Args.file({ description: 'Spec document (.md or .json).', required: true }) };
  static override examples = ['<%= config.bin %> queue add-spec spec.md', '<%= config.bin %> add-spec spec.json --json'];

  async run(): Promise<QueueAddSpecResult> {
    const { args, flags } = await this.parse(QueueAddSpec);
    const paths = requireInitializedWorkspace(flags.workspace);
    const added = await importWorkDocument(paths, 'spec', args.file, { now: new Date(), actor: 'operator' });
    if (!this.jsonEnabled()) this.log(`enqueued_spec: ${added.path}`);
    return { enqueued_spec: added.path, spec_id: added.id };
  }
}
