import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_EXIT_CODES } from '../../src/errors/millrace-error.js';
import { runCli } from '../support/cli.js';
import { withTempTree } from '../support/temp-tree.js';

describe('first run as a new user', () => {
  it('init writes the sandboxed codex level; maximum is an opt-in warned about by init, config show and doctor', async () => {
    await withTempTree(async (root) => {
      const init = await runCli(['init', '-w', root]);
      expect(init.exitCode).toBe(0);
      expect(init.stderr).not.toContain('maximum');
      const toml = join(root, 'millrace-agents', 'millrace.toml');
      expect(readFileSync(toml, 'utf8')).toContain('permission_default = "basic"');
      expect((await runCli(['config', 'show', '-w', root])).stderr).not.toContain('maximum');
      expect((await runCli(['doctor', '-w', root])).stdout).not.toContain('codex_permission_maximum');

      writeFileSync(toml, readFileSync(toml, 'utf8').replace('permission_default = "basic"', 'permission_default = "maximum"\npermission_by_stage = { checker = "maximum" }'));
      const warning = 'runners.codex.permission_default, runners.codex.permission_by_stage.checker = "maximum": codex runs with no sandbox and no approvals';
      const again = await runCli(['init', '-w', root]);
      expect(again.exitCode).toBe(0);
      expect(again.stderr.split('\n').filter((l) => l.includes('"maximum"'))).toEqual([expect.stringContaining(`Warning: ${warning}`)]);
      const show = await runCli(['config', 'show', '-w', root]);
      expect(show.exitCode).toBe(0);
      expect(show.stderr).toContain(`Warning: ${warning}`);
      const doctor = await runCli(['doctor', '-w', root]);
      expect(doctor.stdout).toContain(`warning: codex_permission_maximum millrace-agents/millrace.toml ${warning}`);
    });
  }, 300_000);

  it('init prints next steps and writes millrace-agents/.gitignore so git status stays readable', async () => {
    await withTempTree(async (root) => {
      await execa('git', ['init', '-q'], { cwd: root });
      const init = await runCli(['init', '-w', root]);
      expect(init.exitCode).toBe(0);
      expect(init.stdout).toContain('\nNext steps:\n  millrace queue new task --title "First task" > task.md');
      expect(init.stdout).toContain('\n  millrace queue add-task task.md');
      expect(init.stdout).toContain('  millrace config validate');
      expect(init.stdout).toContain('  millrace run once');
      expect(init.stdout).toContain('millrace-agents/.gitignore keeps runs/, logs/ and derived state out of git.');
      expect(readFileSync(join(root, 'millrace-agents', '.gitignore'), 'utf8')).toContain('runs/\nlogs/\nstate/*\n!state/baseline_manifest.json\n');
      mkdirSync(join(root, 'millrace-agents', 'runs', 'run-x'), { recursive: true });
      writeFileSync(join(root, 'millrace-agents', 'runs', 'run-x', 'out.txt'), 'x');
      writeFileSync(join(root, 'millrace-agents', 'logs', 'runtime_events.jsonl'), '{}\n');
      for (const dir of ['migration/20260101T000000Z/tasks', 'worktrees/lane-1']) mkdirSync(join(root, 'millrace-agents', dir), { recursive: true });
      writeFileSync(join(root, 'millrace-agents', 'migration', '20260101T000000Z', 'tasks', 'old.md'), 'x');
      writeFileSync(join(root, 'millrace-agents', 'worktrees', 'lane-1', 'file.ts'), 'x');
      const status = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root });
      const files = status.stdout.split('\n').map((l) => l.slice(3));
      expect(files).toContain('millrace-agents/millrace.toml');
      expect(files).toContain('millrace-agents/state/baseline_manifest.json');
      expect(files.filter((f) => /^millrace-agents\/(runs|logs|migration|worktrees)\//.test(f) || (f.startsWith('millrace-agents/state/') && !f.endsWith('baseline_manifest.json')))).toEqual([]);
    });
  }, 120_000);

  it('the CLI exits with the code the errors table gives (invalid document, not initialized)', async () => {
    await withTempTree(async (root) => {
      const missing = await runCli(['status', '-w', root, '--json']);
      expect(missing.exitCode).toBe(ERROR_EXIT_CODES.WORKSPACE_NOT_INITIALIZED);
      expect(JSON.parse(missing.stdout)).toMatchObject({ status: ERROR_EXIT_CODES.WORKSPACE_NOT_INITIALIZED, error: { code: 'WORKSPACE_NOT_INITIALIZED' } });
      expect((await runCli(['init', '-w', root])).exitCode).toBe(0);
      writeFileSync(join(root, 'bad.json'), JSON.stringify({ task_id: 'bad', title: 'Bad' }));
      const invalid = await runCli(['queue', 'add-task', join(root, 'bad.json'), '-w', root, '--json']);
      expect(invalid.exitCode).toBe(ERROR_EXIT_CODES.DOCUMENT_INVALID);
      expect(JSON.parse(invalid.stdout)).toMatchObject({ status: ERROR_EXIT_CODES.DOCUMENT_INVALID, error: { code: 'DOCUMENT_INVALID', exitCode: ERROR_EXIT_CODES.DOCUMENT_INVALID } });
      const badId = await runCli(['queue', 'show', '../x', '-w', root]);
      expect(badId.exitCode).toBe(ERROR_EXIT_CODES.ID_INVALID);
    });
  }, 120_000);
});
