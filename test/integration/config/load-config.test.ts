import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/contracts/config.js';
import { isMillraceError } from '../../../src/errors/index.js';
import { withTempTree } from '../../support/temp-tree.js';

const BOOTSTRAP_TOML = '[runtime]\ndefault_mode = "default_codex"\nrun_style = "daemon"\n\n[runners.codex]\npermission_default = "basic"\n';

async function loadError(workspaceRoot: string): Promise<{ code: string; message: string; exitCode: number }> {
  try {
    await loadConfig({ workspaceRoot });
  } catch (error) {
    if (isMillraceError(error)) return error;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig: discovery', () => {
  it('uses the defaults when no file exists (the workspace is its own repo root)', async () => {
    await withTempTree(async (root) => {
      await mkdir(join(root, '.git'));
      const loaded = await loadConfig({ workspaceRoot: root });
      expect(loaded.config).toEqual(defaultConfig());
      expect(loaded.sources).toEqual([]);
      expect(loaded.provenance['runtime.default_mode']).toBe('defaults');
    });
  });

  it('reads millrace-agents/millrace.toml and records which keys it set', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', '[runtime]\ndefault_mode = "default_pi"\nidle_sleep_seconds = 2\n\n[stages.checker]\nmodel = "gpt-5.4"\n');
      const { config, sources, provenance } = await loadConfig({ workspaceRoot: root });
      expect(config.runtime).toEqual({ default_mode: 'default_pi', run_style: 'daemon', idle_sleep_seconds: 2 });
      expect(config.stages.checker).toEqual({ runner: null, model: 'gpt-5.4', model_reasoning_effort: null, timeout_seconds: 3600, stall_timeout_seconds: null });
      expect(sources).toEqual([
        { path: 'millrace-agents/millrace.toml', absolutePath: join(root, 'millrace-agents/millrace.toml'), kind: 'toml', keys: ['runtime.default_mode', 'runtime.idle_sleep_seconds', 'stages.checker.model'] },
      ]);
      expect(provenance['runtime.idle_sleep_seconds']).toBe('millrace-agents/millrace.toml');
      expect(provenance['runtime.run_style']).toBe('defaults');
    });
  });

  it('the bootstrap toml loads to the default config', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', BOOTSTRAP_TOML);
      const { config } = await loadConfig({ workspaceRoot: root });
      expect({ ...config, runners: { default_runner: config.runners.default_runner } }).toEqual(defaultConfig());
      expect(config.runners.codex).toEqual({ permission_default: 'basic' });
    });
  });

  it('a cosmiconfig file beats millrace.toml, merged table by table', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', '[runtime]\ndefault_mode = "default_pi"\nrun_style = "once"\n');
      await write('.millracerc.yaml', 'runtime:\n  run_style: daemon\nrecovery:\n  max_fix_cycles: 5\n');
      const { config, provenance, files } = await loadConfig({ workspaceRoot: root });
      expect(config.runtime.default_mode).toBe('default_pi');
      expect(config.runtime.run_style).toBe('daemon');
      expect(config.recovery.max_fix_cycles).toBe(5);
      expect(provenance['runtime.default_mode']).toBe('millrace-agents/millrace.toml');
      expect(provenance['runtime.run_style']).toBe('.millracerc.yaml');
      expect(files).toEqual([join(root, 'millrace-agents/millrace.toml'), join(root, '.millracerc.yaml')]);
    });
  });

  it('finds the package.json "millrace" key and searches upward from the workspace to the repo root', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, 'repo', '.git'), { recursive: true });
      await write('repo/package.json', JSON.stringify({ name: 'x', millrace: { watchers: { debounce_ms: 900 } } }));
      await mkdir(join(root, 'repo', 'packages', 'app'), { recursive: true });
      const { config, sources } = await loadConfig({ workspaceRoot: join(root, 'repo', 'packages', 'app') });
      expect(config.watchers.debounce_ms).toBe(900);
      expect(sources[0]?.absolutePath).toBe(join(root, 'repo', 'package.json'));
    });
  });

  it('a package.json naming millrace only as a dependency holds no config, and a file in a parent still counts', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('app/package.json', JSON.stringify({ name: 'app', dependencies: { millrace: '0.1.0' } }));
      expect((await loadConfig({ workspaceRoot: join(root, 'app') })).sources).toEqual([]);
      await write('.millracerc', JSON.stringify({ runtime: { run_style: 'once' } }));
      const { config, sources } = await loadConfig({ workspaceRoot: join(root, 'app') });
      expect(config.runtime.run_style).toBe('once');
      expect(sources.map((s) => s.absolutePath)).toEqual([join(root, '.millracerc')]);
    });
  });

  it('does not search above the repo root', async () => {
    await withTempTree(async (root, write) => {
      await write('.millracerc.json', JSON.stringify({ runtime: { run_style: 'once' } }));
      await mkdir(join(root, 'repo', '.git'), { recursive: true });
      const { config, sources } = await loadConfig({ workspaceRoot: join(root, 'repo') });
      expect(config.runtime.run_style).toBe('daemon');
      expect(sources).toEqual([]);
    });
  });

  it('the nearest file wins and a package.json without the key is skipped', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace.config.json', JSON.stringify({ runtime: { run_style: 'once' } }));
      await write('sub/package.json', JSON.stringify({ name: 'no-key' }));
      await write('sub/millrace.config.mjs', 'export default { runtime: { idle_sleep_seconds: 0.5 } };\n');
      const { config, sources } = await loadConfig({ workspaceRoot: join(root, 'sub') });
      expect(config.runtime).toMatchObject({ run_style: 'daemon', idle_sleep_seconds: 0.5 });
      expect(sources.map((s) => s.path)).toEqual(['millrace.config.mjs']);
    });
  });
});

describe('loadConfig: errors', () => {
  it('reports every problem on its own line with file, key path, expected and received; exit code 1', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', '[runtime]\nrun_style = "sometimes"\n\n[recovery]\nmax_fix_cycles = 0\n');
      await write('.millracerc.json', JSON.stringify({ stages: { buidler: {} }, watchers: { enabled: 'yes' } }));
      const error = await loadError(root);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.exitCode).toBe(1);
      const lines = error.message.split('\n').sort();
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe('.millracerc.json: stages.buidler: unknown stage name');
      expect(lines[1]).toBe('.millracerc.json: watchers.enabled: Invalid input: expected boolean, received string');
      expect(lines[2]).toMatch(/^millrace-agents\/millrace\.toml: recovery\.max_fix_cycles: .*>0/);
      expect(lines[3]).toMatch(/^millrace-agents\/millrace\.toml: runtime\.run_style: Invalid option: expected one of "once"\|"daemon"/);
    });
  });

  it('reports a TOML syntax error with the file name', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', '[runtime]\ndefault_mode default\n');
      const error = await loadError(root);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toMatch(/^millrace-agents\/millrace\.toml: TOML syntax error: .+/);
      expect(error.message).not.toContain('\n');
    });
  });

  it('reports a malformed cosmiconfig file', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('.millracerc.json', '{ "runtime": ');
      const error = await loadError(root);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('.millracerc.json');
    });
  });

  it('rejects a config file that is not a table', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('.millracerc.json', '[1, 2]');
      const error = await loadError(root);
      expect(error.message).toBe('.millracerc.json: (root): expected a table of config sections, received an array');
    });
  });
});
