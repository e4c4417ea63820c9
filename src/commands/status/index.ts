import { BaseCommand } from '../../cli/base-command.js';
import type { StatusView } from '../../views/status.js';

export type StatusResult = StatusView;

export default class Status extends BaseCommand {
  static override summary = 'Show runtime state: lock, mode, plan currentness, active run, queue depths, markers, counters.';
  static override aliases = ['status:show'];
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StatusResult> {
    const { flags } = await this.parse(Status);
    const registry = this.registry(); // its plugin hooks load while the view's modules do
    registry.catch(() => undefined); // awaited by the view; this only keeps an early failure there from leaving it unhandled
    const { buildStatusView, renderStatusLines } = await import('../../views/status.js');
    const view = await buildStatusView(flags.workspace, registry);
    if (!this.jsonEnabled()) this.log(renderStatusLines(view).join('\n'));
    return view;
  }
}
