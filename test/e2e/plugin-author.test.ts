import { execa } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'plugin-hello-ts');
const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A third-party plugin author outside this repository, following docs/plugins.md: install `@millrace/plugin-api` from
 * the clone, build a TypeScript plugin, run its own test ("Test it"), link it into millrace and see its runner run a
 * stage of `run once`.
 */
describe('a third-party plugin written outside the repository', () => {
  let home = '';
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    home = '';
  });

  it('installs plugin-api from the clone, builds, passes its own test, links into millrace and runs a stage', async () => {
    home = mkdtempSync(join(tmpdir(), 'millrace-plugin-author-'));
    const plugin = join(home, 'millrace-plugin-hello');
    cpSync(FIXTURE, plugin, { recursive: true });
    const npm = (args: string[]) => execa('npm', args, { cwd: plugin, reject: false, timeout: 300_000, env: { npm_config_update_notifier: 'false' } });

    // docs/plugins.md: npm install --save-dev typescript @types/node <clone>/plugins/plugin-api (versions pinned here so the npm cache serves them)
    const install = await npm(['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`, join(REPO_ROOT, 'plugins', 'plugin-api')]);
    expect({ exit: install.exitCode, stderr: install.stderr }).toMatchObject({ exit: 0 });
    const build = await npm(['run', 'build']);
    expect({ exit: build.exitCode, out: build.stdout + build.stderr }).toMatchObject({ exit: 0 });
    const test = await npm(['test']);
    expect({ exit: test.exitCode, out: test.stdout }).toMatchObject({ exit: 0 });
    expect(test.stdout).toMatch(/^# pass 1$/m);

    const env = { MILLRACE_DATA_DIR: join(home, 'data'), MILLRACE_CACHE_DIR: join(home, 'cache'), MILLRACE_CONFIG_DIR: join(home, 'config') };
    const link = await runCli(['plugins', 'link', plugin, '--no-install'], { env });
    expect({ exit: link.exitCode, stderr: link.stderr }).toMatchObject({ exit: 0 });
    expect((await runCli(['modes', 'list'], { env })).stdout).toMatch(/hello_mode.*hello/s);

    const root = join(home, 'repo');
    mkdirSync(root);
    expect((await runCli(['init', '-w', root], { env })).exitCode).toBe(0);
    writeFileSync(join(root, 'millrace-agents', 'millrace.toml'), '[runtime]\ndefault_mode = "hello_mode"\n\n[runners.hello]\ngreeting = "bonjour"\n');
    writeFileSync(join(root, 'task.md'), ['---', 'task_id: greet', 'title: Greet', 'target_paths: [README.md]', 'acceptance: [greeted]', 'required_checks: [none]', 'references: [none]', 'risk: [low]', '---', 'Say hello.', ''].join('\n'));
    expect((await runCli(['queue', 'add-task', join(root, 'task.md'), '-w', root], { env })).exitCode).toBe(0);
    const validate = await runCli(['config', 'validate', '-w', root], { env });
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('compile: compiled mode=hello_mode');
    expect(validate.stdout).not.toContain('runner unavailable');

    const once = await runCli(['run', 'once', '-w', root], { env });
    expect({ exit: once.exitCode, stderr: once.stderr }).toMatchObject({ exit: 0 });
    expect(once.stdout).toMatch(/^stage: builder$/m);
    expect(once.stdout).toMatch(/^terminal_result: BUILDER_COMPLETE$/m);
    const runs = join(root, 'millrace-agents', 'runs');
    const [run] = readdirSync(runs);
    const stdout = readdirSync(join(runs, run!)).find((n) => n.startsWith('runner_stdout.'));
    expect(readFileSync(join(runs, run!, stdout!), 'utf8')).toBe('bonjour from builder\n### BUILDER_COMPLETE\n');
  }, 600_000);
});
