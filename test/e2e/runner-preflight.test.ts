import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonOf, runCli } from '../support/cli.js';
import { createRuntimeWorkspace, FAKE_AGENT, mdIn, writeTask } from '../support/runtime-workspace.js';
import { ERROR_EXIT_CODES } from '../../src/errors/millrace-error.js';

type Unavailable = { runner: string; stages: string[]; problem: string; remedy: string };

/** A PATH holding only `node`: no codex, pi or claude can be found on it. */
function nodeOnlyPath(home: string): string {
  const bin = join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

describe('a runner whose executable cannot be found', () => {
  let root = '';
  let home = '';
  afterEach(() => {
    for (const dir of [root, home]) if (dir) rmSync(dir, { recursive: true, force: true });
    root = home = '';
  });

  it('command runner: validate and doctor say so with the remedy, run once and run daemon refuse to start, the task stays queued', async () => {
    ({ root } = await createRuntimeWorkspace());
    const runtime = join(root, 'millrace-agents');
    const toml = join(runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('command = "node"', 'command = "./agents/my-agent"'));
    writeTask(runtime, 'first-task');
    const problem = 'runner command: executable "./agents/my-agent" does not exist or is not executable (runners.command.command)';
    const remedy = 'fix runners.command.command in millrace-agents/millrace.toml (a path relative to the workspace root, or absolute)';

    const validate = await runCli(['config', 'validate', '-w', root]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout.split('\n')).toContain(`warning: runner unavailable: ${problem}; ${remedy}`);
    const compiled = jsonOf<{ result: { ok: boolean; unavailable_runners: Unavailable[]; warnings: string[] } }>(await runCli(['compile', 'validate', '-w', root, '--json']));
    expect(compiled.result.ok).toBe(true);
    expect(compiled.result.unavailable_runners).toEqual([expect.objectContaining({ runner: 'command', problem, remedy })]);
    expect(compiled.result.unavailable_runners[0]?.stages).toContain('builder');
    expect((await runCli(['compile', 'validate', '-w', root])).stdout).toContain(`warning: runner unavailable: ${problem}; ${remedy}`);
    const doctor = await runCli(['doctor', '-w', root]);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toContain(`error: runner_unavailable millrace-agents/millrace.toml ${problem} (stages: builder,`);
    expect(doctor.stdout).toContain(`  remedy: ${remedy}; \`millrace run\` refuses to start until then`);

    for (const args of [['run', 'once'], ['run', 'daemon', '--max-ticks', '3']]) {
      const run = await runCli([...args, '-w', root]);
      expect({ args, exit: run.exitCode }).toEqual({ args, exit: ERROR_EXIT_CODES.RUNNER_UNAVAILABLE });
      expect(run.stderr).toContain(`Error (RUNNER_UNAVAILABLE): ${problem}`);
      expect(run.stderr).toContain(`Hint: ${remedy}`);
    }
    const json = jsonOf<{ status: number; error: { code: string } }>(await runCli(['run', 'once', '-w', root, '--json']));
    expect(json).toMatchObject({ status: ERROR_EXIT_CODES.RUNNER_UNAVAILABLE, error: { code: 'RUNNER_UNAVAILABLE' } });
    expect(mdIn(join(runtime, 'tasks', 'queue'))).toEqual(['first-task.md']);
    expect(mdIn(join(runtime, 'tasks', 'blocked'))).toEqual([]);
    expect(mdIn(join(runtime, 'incidents', 'incoming'))).toEqual([]);

    // The agent appears at that path: everything is green and the stage runs.
    mkdirSync(join(root, 'agents'));
    copyFileSync(FAKE_AGENT, join(root, 'agents', 'my-agent'));
    chmodSync(join(root, 'agents', 'my-agent'), 0o755);
    const fixed = await runCli(['config', 'validate', '-w', root]);
    expect(fixed.stdout).not.toContain('runner unavailable');
    expect((await runCli(['doctor', '-w', root])).stdout).not.toContain('runner_unavailable');
    const once = await runCli(['run', 'once', '-w', root]);
    expect(once.exitCode).toBe(0);
    expect(once.stdout).toContain('builder');
  }, 480_000);

  it('codex, pi and claude: looked up on the PATH the runner would use, or at the configured command', async () => {
    ({ root } = await createRuntimeWorkspace());
    home = mkdtempSync(join(tmpdir(), 'millrace-path-'));
    const env = { PATH: nodeOnlyPath(home) };
    const expected: Array<[string, string, string]> = [
      ['default_codex', 'codex_cli', 'runners.codex.command'],
      ['default_pi', 'pi_rpc', 'runners.pi.command'],
      ['default_claude', 'claude_code', 'runners.claude.command'],
    ];
    for (const [mode, runner, key] of expected) {
      const name = key.split('.')[1] === 'codex' ? 'codex' : key.split('.')[1]!;
      const compiled = jsonOf<{ result: { unavailable_runners: Unavailable[] } }>(await runCli(['compile', 'validate', '-w', root, '--mode', mode, '--json'], { env }));
      expect(compiled.result.unavailable_runners).toEqual([
        expect.objectContaining({ runner, problem: `runner ${runner}: executable "${name}" is not on PATH (${key})`, remedy: `install ${name}, or set ${key} in millrace-agents/millrace.toml to its path` }),
      ]);
      const once = await runCli(['run', 'once', '-w', root, '--mode', mode], { env });
      expect({ mode, exit: once.exitCode }).toEqual({ mode, exit: ERROR_EXIT_CODES.RUNNER_UNAVAILABLE });
    }
    // Found on PATH, or through the configured command: no problem.
    const bin = join(home, 'bin');
    for (const name of ['codex', 'pi']) {
      writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n');
      chmodSync(join(bin, name), 0o755);
    }
    const toml = join(root, 'millrace-agents', 'millrace.toml');
    writeFileSync(toml, `${readFileSync(toml, 'utf8')}\n[runners.claude]\ncommand = ${JSON.stringify(join(bin, 'codex'))}\n`);
    for (const [mode] of expected) {
      const compiled = jsonOf<{ result: { unavailable_runners: Unavailable[]; warnings: string[] } }>(await runCli(['compile', 'validate', '-w', root, '--mode', mode, '--json'], { env }));
      expect({ mode, unavailable: compiled.result.unavailable_runners }).toEqual({ mode, unavailable: [] });
    }
  }, 480_000);
});
