import { DEFAULTS_SOURCE, type ConfigProvenance } from '../contracts/config.js';

/** One parsed config file (or the defaults); `data` is the raw, not yet validated object. */
export type ConfigLayer = { source: string; data: Record<string, unknown> };

export type MergedConfig = { merged: Record<string, unknown>; provenance: ConfigProvenance };

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Pure: deep-merge layers, lowest precedence first (config.md §1). Tables merge key by key;
 * any other value (scalar, array, array of tables) replaces the lower layer's value wholesale.
 * `provenance` maps every dotted leaf key to the layer that set it.
 */
export function mergeConfigLayers(layers: ReadonlyArray<ConfigLayer>): MergedConfig {
  // Null-prototype tables: no key, whatever its name, can reach Object.prototype while merging.
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const provenance: ConfigProvenance = Object.create(null) as ConfigProvenance;
  for (const layer of layers) mergeInto(merged, layer.data, layer.source, '', provenance);
  return { merged, provenance };
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, origin: string, prefix: string, provenance: ConfigProvenance): void {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTable(value)) {
      const existing = Object.hasOwn(target, key) ? target[key] : undefined;
      const table = isTable(existing) ? existing : (Object.create(null) as Record<string, unknown>);
      if (!isTable(existing)) forgetBelow(provenance, path);
      target[key] = table;
      if (Object.keys(value).length === 0 && !Object.hasOwn(provenance, path)) provenance[path] = origin;
      mergeInto(table, value, origin, path, provenance);
    } else {
      target[key] = value;
      forgetBelow(provenance, path);
      provenance[path] = origin;
    }
  }
}

function forgetBelow(provenance: ConfigProvenance, path: string): void {
  for (const key of Object.keys(provenance)) if (key === path || key.startsWith(`${path}.`)) delete provenance[key];
}

/** Pure: every dotted leaf key of a table (arrays and empty tables count as leaves). */
export function leafKeys(table: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTable(value) && Object.keys(value).length > 0) keys.push(...leafKeys(value, path));
    else keys.push(path);
  }
  return keys;
}

/** Pure: the source of `path`, i.e. of its nearest ancestor key set by a file, else the defaults. */
export function sourceOf(provenance: ConfigProvenance, path: string): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    if (Object.hasOwn(provenance, p)) return provenance[p]!;
  }
  return DEFAULTS_SOURCE;
}

/** Pure: provenance of every leaf of the effective config. */
export function effectiveProvenance(config: Record<string, unknown>, fileProvenance: ConfigProvenance): ConfigProvenance {
  return Object.fromEntries(leafKeys(config).map((key) => [key, sourceOf(fileProvenance, key)]));
}
