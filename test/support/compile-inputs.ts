import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoopContribution, ModeContribution, RunnerContribution } from '@millrace/plugin-api';
import { ASSET_ROOT } from '../../src/contracts/asset-root.js';
import type { CompileInputs, CompilerConfig } from '../../src/contracts/compiled-plan.js';
import { MillraceConfigSchema, type MillraceConfig, type MillraceConfigInput } from '../../src/contracts/config.js';
import { coreSkillPath, entrypointPath, STAGE_METADATA, toStageKind } from '../../src/contracts/stage-metadata.js';
import { buildRegistry, type HookSuccess, type PluginOrigin, type Registry } from '../../src/registry/registry.js';

/** Plain-data compile inputs shaped like the shipped contributions (stages-and-loops.md §9.3). */

export const HOST: PluginOrigin = { name: 'millrace', version: '0.1.0', type: 'core' };
export const CODEX_PLUGIN: PluginOrigin = { name: '@millrace/runner-codex-cli', version: '0.1.0', type: 'core' };
export const PI_PLUGIN: PluginOrigin = { name: '@millrace/runner-pi-rpc', version: '0.1.0', type: 'core' };

export const shippedLoop = (plane: 'execution' | 'planning'): LoopContribution =>
  JSON.parse(readFileSync(join(ASSET_ROOT, 'graphs', plane, 'standard.json'), 'utf8')) as LoopContribution;

export function aMode(mode_id: string, runner: string, overrides: Partial<ModeContribution> = {}): ModeContribution {
  return {
    schema_version: '1.0',
    kind: 'mode',
    mode_id,
    loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
    stage_entrypoint_overrides: {},
    stage_skill_additions: {},
    stage_model_bindings: {},
    stage_runner_bindings: Object.fromEntries(STAGE_METADATA.map((m) => [m.stage, runner])),
    ...overrides,
  };
}

export const aRunner = (id: string): RunnerContribution => ({ id, description: `${id} runner`, load: async () => ({ name: id, run: async () => { throw new Error('not used in compile tests'); } }) });

export const hostContribution = (loops: LoopContribution[] = [shippedLoop('execution'), shippedLoop('planning')]): HookSuccess => ({
  plugin: HOST,
  result: { apiVersion: 1, stageKinds: STAGE_METADATA.map(toStageKind), loops },
});
export const codexContribution = (): HookSuccess => ({
  plugin: CODEX_PLUGIN,
  result: { apiVersion: 1, runners: [aRunner('codex_cli')], modes: [{ ...aMode('default_codex', 'codex_cli'), aliases: ['standard_plain'] }] },
});
export const piContribution = (): HookSuccess => ({ plugin: PI_PLUGIN, result: { apiVersion: 1, runners: [aRunner('pi_rpc')], modes: [aMode('default_pi', 'pi_rpc')] } });

export function aRegistry(extra: HookSuccess[] = [], base: HookSuccess[] = [hostContribution(), codexContribution(), piContribution()]): Registry {
  return buildRegistry([...base, ...extra], []);
}

/** A real, fully defaulted Millrace config (the compiler fingerprints all of it). */
export function aConfig(input: MillraceConfigInput = {}): CompilerConfig {
  const config: MillraceConfig = MillraceConfigSchema.parse(input);
  return config;
}

/** Every shipped entrypoint and stage-core skill "exists", each with a distinct fake hash. */
export function shippedAssetHashes(): Map<string, string> {
  const hashes = new Map<string, string>();
  STAGE_METADATA.forEach((m, i) => {
    hashes.set(entrypointPath(m), `${i}`.padStart(64, 'a'));
    hashes.set(coreSkillPath(m), `${i}`.padStart(64, 'b'));
  });
  return hashes;
}

export function compileInputs(overrides: Partial<CompileInputs> = {}): CompileInputs {
  return { requestedModeId: null, config: aConfig(), registry: aRegistry(), assetHashes: shippedAssetHashes(), now: '2026-11-27T12:00:00.000Z', ...overrides };
}
