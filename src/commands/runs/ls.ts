import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { RunsLsResult } from '../../views/run-list.js';

export type { RunsLsResult };

export default class RunsLs extends BaseCommand {
  static override summary = 'List runs newest first: start time, duration, stage, work item, result and tokens.';
  static override description =
    'A run is one claim of a work item and may span several stages. Tokens come from the usage ledger. A LANE column appears when execution lanes ran any listed run.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> runs ls', '<%= config.bin %> runs ls --item task-001', '<%= config.bin %> runs ls --stage checker --since 12h --limit 5 --json'];
  static override flags = {
    item: Flags.string({ summary: 'Only runs of this work item (`task-001` or `task:task-001`).' }),
    stage: Flags.string({ summary: 'Only runs that ran this stage (e.g. checker).' }),
    since: Flags.string({ summary: 'Only runs started from this ISO date/time, or within a span back from now (90m, 12h, 7d).' }),
    limit: Flags.integer({ summary: 'At most this many runs (the newest).', min: 1 }),
  };

  async run(): Promise<RunsLsResult> {
    const { flags } = await this.parse(RunsLs);
    const { listRuns } = await import('../../views/runs.js');
    const { renderRunsLs } = await import('../../views/run-list.js');
    const result = await listRuns(flags.workspace, { item: flags.item ?? null, stage: flags.stage ?? null, since: flags.since ?? null, limit: flags.limit ?? null });
    if (!this.jsonEnabled()) this.log(renderRunsLs(result).join('\n'));
    return result;
  }
}
