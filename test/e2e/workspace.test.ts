import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { ConfigShowResult } from '../../src/commands/config/show.js';
import type { ConfigValidateResult } from '../../src/commands/config/validate.js';
import type { InitResult } from '../../src/commands/init.js';
import type { UpgradeResult } from '../../src/commands/upgrade.js';
import { jsonOf, runCli } from '../support/cli.js';

/** Each test spawns the CLI several times; generous for a loaded CI box. */
const E2E_TIMEOUT_MS = 300_000;

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'millrace-e2e-ws-'));
  await mkdir(join(ws, '.git'));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('init / upgrade (real CLI)', () => {
  it('init creates the workspace, is idempotent, and upgrade then reports nothing to do', async () => {
    const first = await runCli(['init', '--workspace', ws]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`workspace: ${ws}\ninitialized: true`);
    expect(await readFile(join(ws, 'millrace-agents', 'state', 'planning_status.md'), 'utf8')).toBe('### IDLE\n');
    await writeFile(join(ws, 'millrace-agents', 'millrace.toml'), '[runtime]\nrun_style = "once"\n');

    const second = await runCli(['init', '--workspace', ws, '--json']);
    expect(second.exitCode).toBe(0);
    const { result } = jsonOf<JsonSuccess<InitResult>>(second);
    expect(result).toMatchObject({ workspace: ws, initialized: true, created_files: [], deployed_assets: [], manifest_written: false });
    expect(await readFile(join(ws, 'millrace-agents', 'millrace.toml'), 'utf8')).toBe('[runtime]\nrun_style = "once"\n');

    const upgrade = jsonOf<JsonSuccess<UpgradeResult>>(await runCli(['upgrade', '--workspace', ws, '--json']));
    expect(upgrade.result.applied).toBe(false);
    expect(upgrade.result.baseline_manifest_id).toBe(upgrade.result.candidate_manifest_id);
    expect(upgrade.result.counts.conflict).toBe(0);
    expect(upgrade.result.counts.safe_package_update).toBe(0);
  }, E2E_TIMEOUT_MS);

  it('workspace commands on an uninitialized directory fail with one line and create nothing', async () => {
    const text = await runCli(['config', 'show', '--workspace', ws]);
    expect(text.exitCode).toBe(4);
    expect(text.stderr.split('\n')[0]).toBe(`Error (WORKSPACE_NOT_INITIALIZED): workspace is not initialized: ${ws} (missing ${join(ws, 'millrace-agents')}). Run \`millrace init --workspace ${ws}\` first.`);
    const json = await runCli(['upgrade', '--workspace', ws, '--json']);
    expect(json.exitCode).toBe(4);
    expect(jsonOf<JsonFailure>(json).error).toMatchObject({ code: 'WORKSPACE_NOT_INITIALIZED', exitCode: 4 });
    expect(existsSync(join(ws, 'millrace-agents'))).toBe(false);
  }, E2E_TIMEOUT_MS);
});

describe('config show / validate (real CLI)', () => {
  it('config show prints the effective config and where each value came from', async () => {
    expect((await runCli(['init', '--workspace', ws])).exitCode).toBe(0);
    await writeFile(join(ws, '.millracerc.json'), JSON.stringify({ runtime: { idle_sleep_seconds: 0.5 }, stages: { checker: { model: 'gpt-5.4' } } }));
    const run = await runCli(['config', 'show', '--workspace', ws, '--json']);
    expect(run.exitCode).toBe(0);
    const { result } = jsonOf<JsonSuccess<ConfigShowResult>>(run);
    expect(result.config.runtime).toEqual({ default_mode: 'default_codex', run_style: 'daemon', idle_sleep_seconds: 0.5 });
    expect(result.config.stages.checker?.timeout_seconds).toBe(3600);
    expect(result.sources.map((s) => s.path)).toEqual(['millrace-agents/millrace.toml', '.millracerc.json']);
    expect(result.provenance).toMatchObject({
      'runtime.idle_sleep_seconds': '.millracerc.json',
      'runtime.run_style': 'millrace-agents/millrace.toml',
      'recovery.max_fix_cycles': 'defaults',
      'stages.checker.model': '.millracerc.json',
    });
    expect(result.runtime).toEqual({ config_version: 'bootstrap', last_reload_outcome: null, last_reload_error: null });
    const text = await runCli(['config', 'show', '--workspace', ws]);
    expect(text.stdout.split('\n').slice(0, 8)).toEqual([
      'default_mode: default_codex',
      'run_style: daemon',
      'idle_sleep_seconds: 0.5',
      'watchers.enabled: true',
      'usage_governance.enabled: false',
      'config_version: bootstrap',
      'last_reload_outcome: none',
      'last_reload_error: none',
    ]);
    expect(text.stdout).toContain('runtime.idle_sleep_seconds = 0.5  (.millracerc.json)');
  }, E2E_TIMEOUT_MS);

  it('config validate validates and compiles the shipped assets of a fresh workspace', async () => {
    expect((await runCli(['init', '--workspace', ws])).exitCode).toBe(0);
    const run = await runCli(['config', 'validate', '--workspace', ws, '--json']);
    expect(run.exitCode).toBe(0);
    const { result } = jsonOf<JsonSuccess<ConfigValidateResult>>(run);
    expect(result).toMatchObject({ valid: true, sources: ['millrace-agents/millrace.toml'], compile: { status: 'compiled', mode_id: 'default_codex' } });
    expect(existsSync(join(ws, 'millrace-agents', 'state', 'compiled_plan.json'))).toBe(true);
  }, E2E_TIMEOUT_MS);

  it('config validate reports one line per problem (file, key path, expected vs received) with exit code 1 and writes nothing', async () => {
    expect((await runCli(['init', '--workspace', ws])).exitCode).toBe(0);
    await writeFile(join(ws, 'millrace-agents', 'millrace.toml'), '[runtime]\nrun_style = "sometimes"\n\n[stages.buidler]\nmodel = "x"\n');
    await writeFile(join(ws, '.millracerc.yaml'), 'watchers:\n  debounce_ms: "soon"\n');
    const text = await runCli(['config', 'validate', '--workspace', ws]);
    expect(text.exitCode).toBe(1);
    const lines = text.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Error \(CONFIG_INVALID\): /);
    const problems = [lines[0]!.replace(/^Error \(CONFIG_INVALID\): /, ''), ...lines.slice(1).filter((l) => !l.startsWith('Hint:'))].sort();
    expect(problems).toEqual([
      '.millracerc.yaml: watchers.debounce_ms: Invalid input: expected number, received string',
      'millrace-agents/millrace.toml: runtime.run_style: Invalid option: expected one of "once"|"daemon"',
      'millrace-agents/millrace.toml: stages.buidler: unknown stage name',
    ]);
    const json = await runCli(['config', 'validate', '--workspace', ws, '--json']);
    expect(json.exitCode).toBe(1);
    expect(jsonOf<JsonFailure>(json).error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 1, file: expect.any(String), field: expect.any(String) });
    expect(existsSync(join(ws, 'millrace-agents', 'state', 'compile_diagnostics.json'))).toBe(false);
  }, E2E_TIMEOUT_MS);
});
