import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRawResultConformance } from '@millrace/plugin-api/testing';
import { createClaudeCodeRunner } from '../../src/runner.js';
import { createClaudeStageFixture, FAKE_CLAUDE, isRunning, type ClaudeStageFixture } from '../support/claude-stage.js';
import { until } from '../../../../test/support/wait.js';

// The real claude runs a Bash tool call that starts a long-running child in the background and waits for it. Claude
// runs each tool call in a session of its own, so killing claude's process group alone would leave that child behind.
const LONG_TOOL = 'tail -f /dev/null & echo $! > child.pid; wait';

describe('claude_code process control with the real claude binary', () => {
  let fx: ClaudeStageFixture;
  beforeEach(async () => {
    fx = await createClaudeStageFixture({ script: () => ({ steps: [{ shell: LONG_TOOL }, { text: 'never reached\n### BUILDER_COMPLETE' }] }) });
  });
  afterEach(async () => fx.cleanup());
  const childPid = async () => Number(await readFile(join(fx.workspaceRoot, 'child.pid'), 'utf8'));

  it('on timeout stops claude and leaves no process of its tree behind', async () => {
    const request = fx.request();
    // the stage timeout is capped by runners.claude.timeout_seconds; generous enough for claude to start the tool on a loaded machine
    const raw = await createClaudeCodeRunner({ graceMs: 3000 }).run(request, fx.context({ timeout_seconds: 25 }));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout' });
    expect(raw.notes[0]).toBe('runner process exceeded timeout of 25 seconds');
    expect(existsSync(join(fx.workspaceRoot, 'child.pid'))).toBe(true);
    const pid = await childPid();
    await until(`tool child ${pid} to be gone`, async () => !(await isRunning(pid)), 5000);
    expect(await readFile(join(request.run_dir, `runner_stderr.${request.request_id}.txt`), 'utf8')).toContain('runner process exceeded timeout of 25 seconds');
    // a failed stage keeps its event log: the tool call is in it
    expect(await readFile(raw.event_log_path ?? '', 'utf8')).toContain('tail -f /dev/null');
  }, 120_000);

  it('on an operator stop reports interrupted and leaves no process of its tree behind', async () => {
    const request = fx.request();
    const controller = new AbortController();
    const pidFile = join(fx.workspaceRoot, 'child.pid');
    const stopper = until('the tool call to start', async () => existsSync(pidFile) && (await readFile(pidFile, 'utf8')).trim() !== '', 90_000).then(() => controller.abort());
    const raw = await createClaudeCodeRunner({ graceMs: 3000 }).run(request, fx.context({}, { signal: controller.signal }));
    await stopper;
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'interrupted', failure_class: 'runner_interrupted' });
    const pid = await childPid();
    await until(`tool child ${pid} to be gone`, async () => !(await isRunning(pid)), 5000);
  }, 120_000);
});

describe('claude_code forced kill', () => {
  let fx: ClaudeStageFixture;
  beforeEach(async () => {
    fx = await createClaudeStageFixture();
  });
  afterEach(async () => fx.cleanup());

  it('kills every process group of the tree when claude ignores SIGINT past the grace period', async () => {
    const request = fx.request({ timeout_seconds: 2 });
    const context = fx.context({ command: process.execPath, args: [FAKE_CLAUDE], env: { FAKE_CLAUDE_BEHAVIOUR: 'stubborn-tool' } });
    const started = Date.now();
    const raw = await createClaudeCodeRunner({ graceMs: 500 }).run(request, context);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout' });
    expect(raw.notes).toContain('processes killed after the SIGINT grace period');
    const pid = Number(await readFile(join(fx.workspaceRoot, 'child.pid'), 'utf8'));
    await until(`detached child ${pid} to be gone`, async () => !(await isRunning(pid)), 5000);
  }, 60_000);
});
