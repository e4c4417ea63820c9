import { commands } from '@oclif/plugin-plugins';
import { failureEnvelope, successEnvelope, type JsonFailure, type JsonSuccess } from '../../cli/base-command.js';

/** One installed plugin in `plugins --json`. */
export type PluginListEntry = { name: string; version: string; type: string; root: string | null };
export type PluginsResult = PluginListEntry[];

/**
 * oclif's `plugins` listing (text output unchanged), with `--json` printing Millrace's envelope
 * (`{"status":0,"result":[{name,version,type,root}],"warnings":[]}`) instead of oclif's raw plugin objects.
 * Every plugin is listed in JSON, core ones included; `type` tells them apart.
 */
export default class Plugins extends commands.plugins {
  static override summary = 'List installed plugins (core plugins with --core).';

  protected override toSuccessJson(result: unknown): JsonSuccess<PluginsResult> {
    const list = Array.isArray(result) ? (result as Array<{ name: string; version: string; type: string; root?: string }>) : [];
    return successEnvelope(list.map((p) => ({ name: p.name, version: p.version, type: p.type, root: p.root ?? null })));
  }

  protected override toErrorJson(err: unknown): JsonFailure {
    return failureEnvelope(err);
  }
}
