import { BaseCommand } from '../../cli/base-command.js';
import type { RunsLsResult } from '../../views/runs.js';

export type { RunsLsResult };

export default class RunsLs extends BaseCommand {
  static override summary = 'List run directories with their status and work item.';
  static override enableJsonFlag = true;

  async run(): Promise<RunsLsResult> {
    const { flags } = await this.parse(RunsLs);
    const { listRuns, renderRunsLs } = await import('../../views/runs.js');
    const result = await listRuns(flags.workspace);
    if (!this.jsonEnabled() && result.runs.length) this.log(renderRunsLs(result).join('\n'));
    return result;
  }
}
