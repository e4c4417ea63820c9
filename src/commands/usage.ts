import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { UsageResult } from '../views/usage.js';

export type { UsageResult };

export default class Usage extends BaseCommand {
  static override summary = 'Token and cost totals from the usage ledger, grouped by item, stage, model, runner or day.';
  static override description = 'Reads millrace-agents/state/usage_ledger.jsonl (one record per stage run, written by the runtime).';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> usage', '<%= config.bin %> usage --by model --since 7d', '<%= config.bin %> usage --by day --json'];
  static override flags = {
    by: Flags.string({ summary: 'Group rows by item, stage, model, runner or day.', options: ['item', 'stage', 'model', 'runner', 'day'], default: 'stage' }),
    since: Flags.string({ summary: 'Only runs recorded from this ISO date/time, or within a span back from now (90m, 12h, 7d).' }),
  };

  async run(): Promise<UsageResult> {
    const { flags } = await this.parse(Usage);
    const { loadUsage, renderUsage } = await import('../views/usage.js');
    const result = await loadUsage(flags.workspace, flags.by as UsageResult['group_by'], flags.since ?? null, new Date());
    if (!this.jsonEnabled()) this.log(renderUsage(result).join('\n'));
    return result;
  }
}
