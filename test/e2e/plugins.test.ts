import { execa } from 'execa';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { ConfigShowResult } from '../../src/commands/config/show.js';
import type { ModesListResult } from '../../src/commands/modes/list.js';
import type { StatusView } from '../../src/views/status.js';
import { jsonOf, REPO_ROOT, runCli } from '../support/cli.js';

const ECHO = join(REPO_ROOT, 'test', 'fixtures', 'plugin-echo-runner');
const THROWING = join(REPO_ROOT, 'test', 'fixtures', 'plugin-throwing');
const IMPOSTOR = join(REPO_ROOT, 'test', 'fixtures', 'plugin-echo-impostor');
/** Each test spawns the CLI 5-10 times (about 1 s each on an idle machine); generous for a loaded CI box. */
const E2E_TIMEOUT_MS = 300_000;

let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'millrace-plugins-'));
  env = { MILLRACE_DATA_DIR: join(home, 'data'), MILLRACE_CACHE_DIR: join(home, 'cache'), MILLRACE_CONFIG_DIR: join(home, 'config') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function modeIds(): Promise<{ ids: string[]; problems: string[] }> {
  const run = await runCli(['modes', 'list', '--json'], { env });
  expect(run.exitCode).toBe(0);
  const { result } = jsonOf<JsonSuccess<ModesListResult>>(run);
  return { ids: result.modes.map((m) => m.mode_id), problems: result.problems };
}

describe('millrace plugins (third-party plugin outside the workspaces)', () => {
  it('link adds the echo mode to `modes list`; uninstall removes it', async () => {
    expect((await modeIds()).ids).not.toContain('echo_mode');
    const link = await runCli(['plugins', 'link', ECHO, '--no-install'], { env });
    expect(link.exitCode).toBe(0);
    const ls = await runCli(['plugins'], { env });
    expect(ls.stdout).toContain('millrace-plugin-echo-runner 1.0.0 (link)');
    const linked = await modeIds();
    expect(linked.ids).toContain('echo_mode');
    expect(linked.problems).toEqual([]);
    const text = await runCli(['modes', 'list'], { env });
    expect(text.stdout).toMatch(/^echo_mode\b.*\becho\b.*millrace-plugin-echo-runner/m);

    // The plugin's schema validates its own config section.
    const ws = join(home, 'ws');
    expect((await runCli(['init', '--workspace', ws], { env })).exitCode).toBe(0);
    await writeFile(join(ws, '.millracerc.json'), JSON.stringify({ runners: { echo: { prefix: 3 } } }));
    const invalid = await runCli(['config', 'show', '--workspace', ws], { env });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toContain('Error (CONFIG_INVALID): .millracerc.json: runners.echo.prefix: expected string, received number (schema of millrace-plugin-echo-runner)');
    await writeFile(join(ws, '.millracerc.json'), JSON.stringify({ runners: { echo: { prefix: 'hey' } } }));
    const shown = jsonOf<JsonSuccess<ConfigShowResult>>(await runCli(['config', 'show', '--workspace', ws, '--json'], { env }));
    expect(shown.result.config.runners.echo).toEqual({ prefix: 'hey' });

    expect((await runCli(['plugins', 'uninstall', 'millrace-plugin-echo-runner'], { env })).exitCode).toBe(0);
    expect((await modeIds()).ids).not.toContain('echo_mode');
  }, E2E_TIMEOUT_MS);

  it('status answers from the contributions manifest while the plugins are unchanged and sees a newly linked runner', async () => {
    const ws = join(home, 'ws');
    expect((await runCli(['init', '--workspace', ws], { env })).exitCode).toBe(0);
    // An empty [runners.echo]: kept as written without the echo runner, filled with its default once it is there.
    await writeFile(join(ws, '.millracerc.json'), JSON.stringify({ runners: { echo: {} } }));
    const configFingerprint = async () => {
      const run = await runCli(['status', '--workspace', ws, '--json'], { env });
      expect(run.exitCode).toBe(0);
      return jsonOf<JsonSuccess<StatusView>>(run).result.compile_input?.config_fingerprint;
    };
    /** The manifest file's inode: every write replaces the file (temp file + rename). */
    const manifestInode = () => {
      const names = readdirSync(join(home, 'cache')).filter((name) => name.startsWith('contributions-'));
      expect(names).toHaveLength(1);
      return statSync(join(home, 'cache', names[0]!)).ino;
    };

    const without = await configFingerprint();
    const written = manifestInode();
    expect(await configFingerprint()).toBe(without);
    expect(manifestInode()).toBe(written); // answered from the manifest: nothing collected, nothing rewritten

    expect((await runCli(['plugins', 'link', ECHO, '--no-install'], { env })).exitCode).toBe(0);
    const linked = await configFingerprint();
    expect(linked).not.toBe(without);
    const refreshed = manifestInode();
    expect(refreshed).not.toBe(written);
    expect(await configFingerprint()).toBe(linked);
    expect(manifestInode()).toBe(refreshed);

    expect((await runCli(['plugins', 'uninstall', 'millrace-plugin-echo-runner'], { env })).exitCode).toBe(0);
    expect(await configFingerprint()).toBe(without);
  }, E2E_TIMEOUT_MS);

  it('install file:<npm pack tarball> works offline and uninstall removes it', async () => {
    const packDir = join(home, 'pack');
    await mkdir(packDir);
    const pack = await execa('npm', ['pack', '--pack-destination', packDir, '--json', '--offline'], { cwd: ECHO });
    const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
    const install = await runCli(['plugins', 'install', `file:${join(packDir, filename)}`], { env: { ...env, npm_config_offline: 'true' } });
    expect(install.stderr).not.toMatch(/Error/);
    expect(install.exitCode).toBe(0);
    expect((await runCli(['plugins'], { env })).stdout).toContain('millrace-plugin-echo-runner 1.0.0');
    expect((await modeIds()).ids).toContain('echo_mode');

    expect((await runCli(['plugins', 'uninstall', 'millrace-plugin-echo-runner'], { env })).exitCode).toBe(0);
    expect((await modeIds()).ids).not.toContain('echo_mode');
  }, E2E_TIMEOUT_MS);

  it('a throwing hook does not take the CLI down and a duplicate id names both plugins', async () => {
    expect((await runCli(['plugins', 'link', THROWING, '--no-install'], { env })).exitCode).toBe(0);
    expect((await runCli(['plugins', 'link', ECHO, '--no-install'], { env })).exitCode).toBe(0);
    expect((await runCli(['plugins', 'link', IMPOSTOR, '--no-install'], { env })).exitCode).toBe(0);
    const { ids, problems } = await modeIds();
    expect(ids).toEqual(expect.arrayContaining(['default_codex', 'echo_mode']));
    expect(problems).toEqual([
      'plugin millrace-plugin-throwing@0.0.1 (link) failed to contribute: echo of doom: contribution hook exploded',
      "mode 'echo_mode' is contributed by both millrace-plugin-echo-impostor@0.0.1 (link) and millrace-plugin-echo-runner@1.0.0 (link); uninstall one of them",
    ]);
    const text = await runCli(['modes', 'list'], { env });
    expect(text.exitCode).toBe(0);
    expect(text.stderr).toContain('Warning: plugin millrace-plugin-throwing@0.0.1 (link) failed to contribute');
    expect((await runCli(['--help'], { env })).exitCode).toBe(0);
  }, E2E_TIMEOUT_MS);
});
