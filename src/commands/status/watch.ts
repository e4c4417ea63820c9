import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';

export type StatusWatchResult = { updates: number; interrupted: boolean };

export default class StatusWatch extends BaseCommand {
  static override summary = 'Print the status block repeatedly (read-only; never takes the lock).';
  static override enableJsonFlag = true;
  static override flags = {
    'max-updates': Flags.integer({ summary: 'Stop after this many updates.', min: 1 }),
    'interval-seconds': Flags.string({ summary: 'Seconds between updates.', default: '1' }),
  };

  async run(): Promise<StatusWatchResult> {
    const { flags } = await this.parse(StatusWatch);
    const { buildStatusView, renderStatusLines } = await import('../../views/status.js');
    const interval = Math.max(0, Number(flags['interval-seconds']) || 0) * 1000;
    const registry = await this.registry();
    let updates = 0;
    let interrupted = false;
    const onSigint = () => (interrupted = true);
    process.once('SIGINT', onSigint);
    while (!interrupted) {
      const view = await buildStatusView(flags.workspace, registry);
      if (!this.jsonEnabled()) this.log(renderStatusLines(view).join('\n'));
      updates++;
      if (flags['max-updates'] !== undefined && updates >= flags['max-updates']) break;
      if (!this.jsonEnabled()) this.log('');
      await new Promise((r) => setTimeout(r, interval));
    }
    process.off('SIGINT', onSigint);
    if (interrupted && !this.jsonEnabled()) this.log('interrupted: true');
    return { updates, interrupted };
  }
}
