import { BaseCommand } from '../../cli/base-command.js';

export type ModesListResult = {
  modes: Array<{ mode_id: string; aliases: string[]; plugin: string; loops: Record<string, string>; runners: string[] }>;
  problems: string[];
};

export default class ModesList extends BaseCommand {
  static override summary = 'List the modes contributed by installed plugins.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> modes list', '<%= config.bin %> modes list --json'];

  async run(): Promise<ModesListResult> {
    await this.parse(ModesList);
    const registry = await this.registry();
    const modes = [...registry.modes.values()]
      .map(({ item, plugin }) => ({
        mode_id: item.mode_id,
        aliases: [...registry.modeAliases.entries()].filter(([, id]) => id === item.mode_id).map(([alias]) => alias),
        plugin: plugin.name,
        loops: Object.fromEntries(Object.entries(item.loop_ids_by_plane).filter(([, v]) => v !== undefined)) as Record<string, string>,
        runners: [...new Set(Object.values(item.stage_runner_bindings))].sort(),
      }))
      .sort((a, b) => a.mode_id.localeCompare(b.mode_id));
    const result = { modes, problems: registry.problems.map((p) => p.message) };
    if (!this.jsonEnabled()) {
      for (const m of modes) this.log(`${m.mode_id}${m.aliases.length ? ` (aliases: ${m.aliases.join(', ')})` : ''}  runners: ${m.runners.join(', ') || 'none'}  plugin: ${m.plugin}`);
      if (modes.length === 0) this.log('No modes are installed.');
      for (const p of result.problems) process.stderr.write(`Warning: ${p}\n`);
    }
    return result;
  }
}
