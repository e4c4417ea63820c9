import { BaseCommand } from '../../cli/base-command.js';
import type { StatusView } from '../../views/status.js';
import { openContributionsManifest } from '../../workspace/contributions-manifest.js';

export type StatusResult = StatusView;

export default class Status extends BaseCommand {
  static override summary = 'Show runtime state: lock, mode, plan currentness, active run, queue depths, markers, counters.';
  static override aliases = ['status:show'];
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StatusResult> {
    const { flags } = await this.parse(Status);
    // From the contributions manifest while the plugins are unchanged: no plugin module loads (docs/development.md).
    const contributions = this.cachedRegistry(openContributionsManifest);
    contributions.catch(() => undefined); // awaited by the view; this only keeps an early failure there from leaving it unhandled
    const { buildStatusView, renderStatusLines } = await import('../../views/status.js');
    let view = await buildStatusView(flags.workspace, contributions.then((c) => c.registry));
    const cached = await contributions;
    // A runner config section the manifest has no result for (first seen since the plugins changed): ask the plugins.
    if (cached.incomplete()) view = await buildStatusView(flags.workspace, cached.collect());
    await cached.save();
    if (!this.jsonEnabled()) this.log(renderStatusLines(view).join('\n'));
    return view;
  }
}
