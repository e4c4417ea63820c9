import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { RunsTailResult } from '../../views/runs.js';

export type { RunsTailResult };

export default class RunsTail extends BaseCommand {
  static override summary = "Print a run's most useful artifact (troubleshoot report, stdout, stderr, or last stage result).";
  static override enableJsonFlag = true;
  static override args = { run_id: Args.string({ required: true, description: 'Run id: the full id, any unique prefix or `latest`.' }) };

  async run(): Promise<RunsTailResult> {
    const { flags, args } = await this.parse(RunsTail);
    const { tailRun } = await import('../../views/runs.js');
    const result = await tailRun(flags.workspace, args.run_id);
    this.writeText(result.content);
    return result;
  }
}
