import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { ControlResult } from '../../runtime/control/control-result.js';

export type ControlResumeResult = ControlResult;

export default class ControlResume extends BaseCommand {
  static override summary = 'Resume the runtime (removes the operator pause source).';
  static override description =
    'With a live daemon (it holds the workspace lock) the command goes through the mailbox and is applied at its next tick; with no daemon it is applied directly. A usage governance pause (a reached budget) stays unless --force: it lifts by itself when the limit resets.';
  static override aliases = ['resume'];
  static override enableJsonFlag = true;
  static override flags = {
    force: Flags.boolean({ summary: 'Also lift a usage governance pause; the reached limits are overridden until they reset.', default: false }),
  };
  static override examples = ['<%= config.bin %> control resume', '<%= config.bin %> resume --json', '<%= config.bin %> resume --force'];

  async run(): Promise<ControlResult> {
    const { flags } = await this.parse(ControlResume);
    const { runControl } = await import('../../runtime/control/run-control.js');
    const result = await runControl(flags.workspace, { action: 'resume', force: flags.force });
    if (!this.jsonEnabled()) for (const line of (await import('../../cli/control-output.js')).controlResultLines(result)) this.log(line);
    return result;
  }
}
