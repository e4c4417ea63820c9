import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isMillraceError, MillraceError } from '../errors/index.js';
import { INPUT_SIZE_LIMITS, MAX_NESTING_DEPTH, treeProblem, weightBudgetFor } from '../contracts/input-limits.js';
import { readBoundedTextSync } from '../workspace/bounded-read.js';
import { MillraceConfigSchema, type ConfigSource, type LoadedConfig, type RunnerSchemaSource } from '../contracts/config.js';
import { attributeIssues, configInvalidError, type ConfigProblem } from './config-issues.js';
import { findCosmiconfigFile } from './discover.js';
import { effectiveProvenance, isTable, leafKeys, mergeConfigLayers, type ConfigLayer } from './merge-layers.js';
import { validateRunnerSections } from './runner-sections.js';
import { unknownStageIssues } from './stage-names.js';

/** `millrace-agents/millrace.toml`, the Python Millrace config file, relative to the workspace root. */
export const TOML_CONFIG_PATH = join('millrace-agents', 'millrace.toml');

export type LoadConfigOptions = {
  workspaceRoot: string;
  /** When given, each runner plugin's config section is validated with that plugin's schema. */
  registry?: RunnerSchemaSource;
};

/**
 * Effective config = defaults < `millrace-agents/millrace.toml` < the nearest cosmiconfig file
 * (deep-merged by table; see docs/config.md). Throws CONFIG_INVALID listing one problem per line.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const workspaceRoot = resolve(options.workspaceRoot);
  const display = (file: string) => displayPath(workspaceRoot, file);
  const layers: ConfigLayer[] = [];
  const sources: ConfigSource[] = [];
  const problems: ConfigProblem[] = [];

  const addLayer = (absolutePath: string, kind: ConfigSource['kind'], data: unknown) => {
    const path = display(absolutePath);
    if (!isTable(data)) {
      problems.push({ file: path, key: '(root)', message: `expected a table of config sections, received ${describe(data)}` });
      return;
    }
    layers.push({ source: path, data });
    sources.push({ path, absolutePath, kind, keys: leafKeys(data) });
  };

  const tomlFile = join(workspaceRoot, TOML_CONFIG_PATH);
  const tomlText = readBoundedTextSync(tomlFile, 'config file', { display: display(tomlFile), code: 'CONFIG_INVALID' })?.text;
  if (tomlText !== undefined) {
    const data = await parseToml(tomlText, display(tomlFile));
    const problem = treeProblem(data, { maxWeight: weightBudgetFor(tomlText) });
    if (problem) throw configInvalidError([{ file: display(tomlFile), key: problem.path, message: problem.message }]);
    addLayer(tomlFile, 'toml', data);
  }

  const found = await findCosmiconfigFile(workspaceRoot, display).catch((error: unknown) => {
    if (isMillraceError(error)) throw error;
    const message = firstLine(error instanceof Error ? error.message : String(error));
    if (error instanceof RangeError) throw new MillraceError('CONFIG_INVALID', `config: nests deeper than the limit of ${MAX_NESTING_DEPTH} levels (${message})`, { cause: error });
    throw new MillraceError('CONFIG_INVALID', `config: ${message}`, { cause: error });
  });
  if (found) {
    const problem = treeProblem(found.config, { maxWeight: weightBudgetFor(found.text ?? INPUT_SIZE_LIMITS['config file']) });
    if (problem) throw configInvalidError([{ file: display(found.filepath), key: problem.path, message: problem.message }]);
    addLayer(found.filepath, 'cosmiconfig', found.config);
  }

  if (problems.length > 0) throw configInvalidError(problems);
  const { merged, provenance } = mergeConfigLayers(layers);
  const parsed = MillraceConfigSchema.safeParse(merged);
  const stageIssues = unknownStageIssues(merged.stages, options.registry?.stageKinds?.keys());
  if (!parsed.success || stageIssues.length > 0) throw configInvalidError(attributeIssues([...stageIssues, ...(parsed.error?.issues ?? [])], provenance));

  const config = parsed.data;
  const warnings: string[] = [];
  if (options.registry) {
    const runners = validateRunnerSections(config.runners, options.registry, provenance);
    if (runners.problems.length > 0) throw configInvalidError(runners.problems);
    config.runners = runners.runners as typeof config.runners;
    warnings.push(...runners.warnings);
  }
  if (config.usage_governance.enabled && config.usage_governance.subscription_quota_rules.enabled) warnings.push('usage_governance.subscription_quota_rules is accepted but not acted on (only ledger budgets are enforced)');

  return { config, sources, files: sources.map((s) => s.absolutePath), provenance: effectiveProvenance(config, provenance), warnings };
}

async function parseToml(text: string, file: string): Promise<unknown> {
  const { parse } = await import('smol-toml');
  try {
    return parse(text, { maxDepth: MAX_NESTING_DEPTH });
  } catch (error) {
    const message = firstLine(error instanceof Error ? error.message : String(error));
    throw new MillraceError('CONFIG_INVALID', `${file}: TOML syntax error: ${message}`, { file, cause: error });
  }
}

function displayPath(workspaceRoot: string, file: string): string {
  const rel = relative(workspaceRoot, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value;
}
