import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_AGENT, REPO_ROOT } from '../support/runtime-workspace.js';

/**
 * The README's install path from a clone (`npm ci && npm run build && npm link`), with npm's global prefix pointed
 * into a temp dir, then the README's first steps with the installed `millrace` (offline; the command runner and a
 * scripted stand-in agent).
 */
describe("the README's install path", () => {
  it('npm link installs a millrace bin that runs init -> add-task -> config validate -> run once -> status', async () => {
    const home = mkdtempSync(join(tmpdir(), 'millrace-install-'));
    const prefix = join(home, 'prefix');
    const repo = join(home, 'repo');
    try {
      const env = { npm_config_prefix: prefix, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', CI: '1', NO_COLOR: '1' };
      const link = await execa('npm', ['link', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: REPO_ROOT, env, reject: false, timeout: 180_000 });
      expect({ exit: link.exitCode, stderr: link.stderr }).toMatchObject({ exit: 0 });
      const bin = join(prefix, 'bin', 'millrace');
      const millrace = (args: string[]) => execa(bin, args, { cwd: repo, env, reject: false, timeout: 90_000 });
      await execa('mkdir', ['-p', repo]);
      await execa('git', ['init', '-q'], { cwd: repo });

      expect((await millrace(['--version'])).stdout).toMatch(/^millrace\/\d+\.\d+\.\d+ /);
      const init = await millrace(['init']);
      expect(init.exitCode).toBe(0);
      expect(init.stdout).toContain(`workspace: ${repo}\ninitialized: true`);
      expect(init.stdout).toContain('Next steps:');

      writeFileSync(join(repo, 'millrace-agents', 'millrace.toml'), ['[runtime]', 'default_mode = "default_command"', '', '[runners]', 'default_runner = "command"', '', '[runners.command]', 'command = "node"', `args = [${JSON.stringify(FAKE_AGENT)}]`, ''].join('\n'));
      writeFileSync(join(repo, 'task.md'), ['---', 'task_id: first-task', 'title: First task', 'target_paths: [src/index.ts]', 'acceptance: [it works]', 'required_checks: [npm test]', 'references: [README.md]', 'risk: [low]', '---', 'Do the first thing.', ''].join('\n'));
      const add = await millrace(['queue', 'add-task', 'task.md']);
      expect(add.exitCode).toBe(0);
      expect(add.stdout).toMatch(/^enqueued_task: .*millrace-agents\/tasks\/queue\/first-task\.md$/);

      const validate = await millrace(['config', 'validate']);
      expect(validate.exitCode).toBe(0);
      expect(validate.stdout).toContain('config: valid (millrace-agents/millrace.toml)\ncompile: compiled mode=default_command');

      const once = await millrace(['run', 'once']);
      expect(once.exitCode).toBe(0);
      expect(once.stdout).toContain('builder');

      const status = await millrace(['status']);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toContain(`workspace: ${repo}\n`);
      expect(status.stdout).toContain('active_work_item_id: first-task\n');
      expect(status.stdout).toContain('compiled_plan_currentness: current\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 400_000);
});
