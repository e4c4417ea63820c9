import { join } from 'node:path';
import { buildStagePrompt, InvocationArtifactSchema } from '@millrace/plugin-api';
import { cleanupWorkspaces, commandsOf, FAKE_PI, isAlive, runWithFakePi } from '../support/fake-pi-run.js';

afterAll(cleanupWorkspaces);

describe('pi_rpc runner against a scripted pi process: successful runs', () => {
  it('launches pi without a shell, speaks the protocol in order, and returns the last assistant text and tokens', async () => {
    const run = await runWithFakePi('ok', { config: { args: ['--offline'], provider: 'fake' } });
    expect(run.conformance).toEqual([]);
    expect(run.raw).toMatchObject({ runner_name: 'pi_rpc', model_name: 'fake-model', exit_kind: 'completed', exit_code: 0, failure_class: null, event_log_path: null, observed_exit_kind: null });
    expect(run.raw.token_usage).toEqual({ input_tokens: 245, cached_input_tokens: 40, cache_write_input_tokens: 5, output_tokens: 60, thinking_tokens: 0, total_tokens: 305 });
    expect(await run.read(run.raw.stdout_path)).toBe('Did the work.\n### BUILDER_COMPLETE');
    expect(await run.read(run.raw.stderr_path)).toBe('Warning: fake pi starting\n');

    const [start] = run.log;
    expect(start?.argv).toEqual(['--offline', '--mode', 'rpc', '--no-session', '--provider', 'fake', '--model', 'fake-model', '--no-context-files', '--no-skills']);
    expect(start?.cwd).toBe(run.workspace);
    expect(commandsOf(run.log)).toEqual(['set_auto_retry', 'prompt', 'get_last_assistant_text', 'get_session_stats']);
    expect(run.log.find((e) => e.command?.type === 'set_auto_retry')?.command).toMatchObject({ enabled: false });
    expect(run.log.find((e) => e.command?.type === 'prompt')?.command?.message).toBe(buildStagePrompt(run.request));
    expect(run.log.at(-1)).toMatchObject({ stdin: 'closed', aborted: false });
    expect(run.progress).toEqual(['output: Did the work.\n### BUILDER_COMPLETE', 'event: agent finished']);
    expect(isAlive(start!.pid!)).toBe(false);
  });

  it('writes prompt, invocation and completion artifacts that mirror the raw result', async () => {
    const run = await runWithFakePi('ok');
    const prompt = join(run.request.run_dir, `runner_prompt.${run.request.request_id}.md`);
    expect(await run.read(prompt)).toBe(buildStagePrompt(run.request));
    const invocation = InvocationArtifactSchema.parse(JSON.parse((await run.read(join(run.request.run_dir, `runner_invocation.${run.request.request_id}.json`)))!));
    expect(invocation).toMatchObject({ runner_name: 'pi_rpc', prompt_path: prompt, model_name: 'fake-model', command: [FAKE_PI, '--mode', 'rpc', '--no-session', '--model', 'fake-model', '--no-context-files', '--no-skills'] });
    const completion = await run.completion();
    expect(completion).toMatchObject({ exit_kind: 'completed', exit_code: 0, failure_class: null, stdout_path: run.raw.stdout_path, token_usage: run.raw.token_usage, started_at: run.raw.started_at, ended_at: run.raw.ended_at, command: invocation.command });
  });

  it('keeps the event log of a completed run under policy full, without message_update snapshots', async () => {
    const run = await runWithFakePi('ok', { config: { event_log_policy: 'full' } });
    const log = await run.read(run.raw.event_log_path);
    const types = log!.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['agent_start', 'message_end', 'agent_end']);
    expect(log!.endsWith('\n')).toBe(true);
  });

  it('reassembles records written in pieces and ignores (but notes) unknown event types', async () => {
    const run = await runWithFakePi('chunked', { config: { event_log_policy: 'full' } });
    expect(run.raw).toMatchObject({ exit_kind: 'completed', exit_code: 0 });
    expect(run.raw.notes).toContain('ignored unknown pi rpc event type "future_event_kind"');
    expect(await run.read(run.raw.event_log_path)).toContain('"future_event_kind"');
  });

  it('waits past a retried agent_end when pi refuses to disable auto-retry', async () => {
    const run = await runWithFakePi('retry-on');
    expect(run.raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, failure_class: null });
    expect(run.raw.notes).toContain('pi rejected set_auto_retry; waiting past retried agent_end events');
    expect(run.progress).toEqual(['event: agent finished', 'event: retrying a failed model call', 'output: Did the work.\n### BUILDER_COMPLETE', 'event: agent finished']);
    expect(await run.read(run.raw.stdout_path)).toBe('Did the work.\n### BUILDER_COMPLETE');
  });

  it('cancels an extension dialog so a headless stage never blocks on it', async () => {
    const run = await runWithFakePi('ui-dialog');
    expect(run.raw.exit_kind).toBe('completed');
    expect(run.log.find((e) => e.dialogAnswer)?.dialogAnswer).toEqual({ type: 'extension_ui_response', id: 'ui-1', cancelled: true });
    expect(run.raw.notes).toContain('cancelled pi extension dialog confirm (no operator in a stage run)');
  });

  it('falls back to runners.pi.model when the request names no model', async () => {
    const run = await runWithFakePi('ok', { config: { model: 'fallback-model' }, request: { model_name: null } });
    expect(run.log[0]?.argv).toContain('fallback-model');
    expect(run.raw.model_name).toBe('fallback-model');
  });
});
