import { HOST_VIEWS_API_VERSION, type HostViews, type HostViewsModule } from '@millrace/plugin-api';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The package export of the host that holds its read models (docs/plugins.md, "Reading the host's views"). */
export const HOST_VIEWS_EXPORT = 'millrace/views';

/**
 * Load the host's view models from the host root oclif hands the command (`this.config.root`). The export is
 * resolved from inside the host package, so this works for a linked, installed or bundled plugin alike, and the
 * plugin never imports host source.
 */
export async function loadHostViews(hostRoot: string, oclifConfig: object): Promise<HostViews> {
  const resolved = createRequire(join(hostRoot, 'package.json')).resolve(HOST_VIEWS_EXPORT);
  const module = (await import(pathToFileURL(resolved).href)) as Partial<HostViewsModule>;
  if (typeof module.createHostViews !== 'function' || module.HOST_VIEWS_API_VERSION !== HOST_VIEWS_API_VERSION) {
    throw new Error(`${resolved}: the host's views API is version ${String(module.HOST_VIEWS_API_VERSION)}, this plugin needs ${HOST_VIEWS_API_VERSION}`);
  }
  return module.createHostViews(oclifConfig);
}
