import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { RunInspection } from '../../contracts/runtime-state.js';

export type RunsShowResult = RunInspection;

export default class RunsShow extends BaseCommand {
  static override summary = 'Show one run: identity, timing, tokens and every stage result.';
  static override enableJsonFlag = true;
  static override args = { run_id: Args.string({ required: true, description: 'Run id: the full id, any unique prefix (the 8 characters the live view prints) or `latest`.' }) };

  async run(): Promise<RunsShowResult> {
    const { flags, args } = await this.parse(RunsShow);
    const { showRun, renderRunShow } = await import('../../views/runs.js');
    const run = await showRun(flags.workspace, args.run_id);
    if (!this.jsonEnabled()) this.log(renderRunShow(run).join('\n'));
    return run;
  }
}
