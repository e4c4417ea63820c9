import { Flags } from '@oclif/core';
import { BaseCommand, type JsonSuccess } from '../../cli/base-command.js';
import type { StatusView } from '../../views/status.js';

export type StatusWatchResult = { updates: number; interrupted: boolean };
/** One line of `status watch --json` (NDJSON): the `status --json` envelope of that moment. */
export type StatusWatchLine = JsonSuccess<StatusView>;

export default class StatusWatch extends BaseCommand {
  static override summary = 'Print the status block repeatedly (read-only; never takes the lock).';
  static override description =
    'With --json, prints one `status --json` envelope per update, each on its own line (NDJSON), so a reader can act on every update as it comes; an error is one failure envelope line.';
  static override enableJsonFlag = true;
  static override flags = {
    'max-updates': Flags.integer({ summary: 'Stop after this many updates.', min: 1 }),
    'interval-seconds': Flags.string({ summary: 'Seconds between updates.', default: '1' }),
  };

  /** NDJSON: every envelope (updates and a failure) is one compact line. */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }

  async run(): Promise<StatusWatchResult | undefined> {
    const { flags } = await this.parse(StatusWatch);
    const { buildStatusView, renderStatusLines } = await import('../../views/status.js');
    const interval = Math.max(0, Number(flags['interval-seconds']) || 0) * 1000;
    const registry = await this.registry();
    let updates = 0;
    let interrupted = false;
    const onSigint = () => (interrupted = true);
    process.once('SIGINT', onSigint);
    while (!interrupted) {
      const view = await buildStatusView(flags.workspace, registry, { longLived: true });
      if (this.jsonEnabled()) this.logJson(this.toSuccessJson(view));
      else this.log(renderStatusLines(view).join('\n'));
      updates++;
      if (flags['max-updates'] !== undefined && updates >= flags['max-updates']) break;
      if (!this.jsonEnabled()) this.log('');
      await new Promise((r) => setTimeout(r, interval));
    }
    process.off('SIGINT', onSigint);
    if (this.jsonEnabled()) return undefined; // every update was its own envelope line
    if (interrupted) this.log('interrupted: true');
    return { updates, interrupted };
  }
}

