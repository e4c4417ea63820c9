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
  it('npm link installs a millrace bin that runs init -> queue new (+ add-task, --write) -> config validate -> run once -> status', async () => {
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

      for (const flag of ['--version', '-v']) expect((await millrace([flag])).stdout).toMatch(/^millrace\/\d+\.\d+\.\d+ /);
      const init = await millrace(['init']);
      expect(init.exitCode).toBe(0);
      expect(init.stdout).toContain(`workspace: ${repo}\ninitialized: true`);
      expect(init.stdout).toContain('Next steps:\n  millrace queue new task --title "First task" > task.md');

      // The command runner with a scripted stand-in agent, so the run works offline (docs/runners/command.md).
      writeFileSync(join(repo, 'millrace-agents', 'millrace.toml'), ['[runtime]', 'default_mode = "default_command"', '', '[runners]', 'default_runner = "command"', '', '[runners.command]', 'command = "node"', `args = [${JSON.stringify(FAKE_AGENT)}]`, ''].join('\n'));

      // README: `millrace queue new task --title "First task" > task.md`, edit it, `millrace queue add-task task.md`.
      const skeleton = await millrace(['queue', 'new', 'task', '--title', 'First task']);
      expect(skeleton.exitCode).toBe(0);
      expect(skeleton.stdout).toMatch(/^---\ntask_id: task-\d{8}-\d{6}-first-task\ntitle: First task\n/);
      const firstId = /^task_id: (\S+)$/m.exec(skeleton.stdout)![1]!;
      writeFileSync(join(repo, 'task.md'), skeleton.stdout.replace('TODO/path/this/task/changes', 'src/index.ts'));
      const add = await millrace(['queue', 'add-task', 'task.md']);
      expect({ exit: add.exitCode, stderr: add.stderr }).toEqual({ exit: 0, stderr: '' });
      expect(add.stdout).toBe(`enqueued_task: ${join(repo, 'millrace-agents', 'tasks', 'queue', `${firstId}.md`)}`);

      // README: or in one step, `millrace queue new task --title "..." --write`.
      const written = await millrace(['queue', 'new', 'task', '--title', 'Second task', '--write']);
      expect({ exit: written.exitCode, stderr: written.stderr }).toEqual({ exit: 0, stderr: '' });
      expect(written.stdout).toMatch(new RegExp(`^enqueued_task: ${repo}/millrace-agents/tasks/queue/task-\\d{8}-\\d{6}-second-task\\.md$`));

      const validate = await millrace(['config', 'validate']);
      expect(validate.exitCode).toBe(0);
      expect(validate.stdout).toContain('config: valid (millrace-agents/millrace.toml)\ncompile: compiled mode=default_command');

      const once = await millrace(['run', 'once']);
      expect({ exit: once.exitCode, stderr: once.stderr }).toMatchObject({ exit: 0 });
      expect(once.stdout).toContain('run_mode: once\nactive_mode_id: default_command\n');
      expect(once.stdout).toContain('stage: builder\nterminal_result: BUILDER_COMPLETE\nfailure_class: none');

      const status = await millrace(['status']);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toContain(`workspace: ${repo}\n`);
      expect(status.stdout).toContain(`active_work_item_id: ${firstId}\n`);
      expect(status.stdout).toContain('compiled_plan_currentness: current\n');
      expect(status.stdout).toContain('execution_queue_depth: 1\n');

      // Nothing at the repository root but what the user put there, and millrace-agents/.
      const rootEntries = (await execa('git', ['status', '--porcelain', '--untracked-files=normal'], { cwd: repo })).stdout.split('\n').sort();
      expect(rootEntries).toEqual(['?? millrace-agents/', '?? task.md']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 400_000);
});
