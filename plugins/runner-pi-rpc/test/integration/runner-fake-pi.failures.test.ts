import { cleanupWorkspaces, commandsOf, isAlive, runWithFakePi } from '../support/fake-pi-run.js';

afterAll(cleanupWorkspaces);

const eventTypes = (log: string | null) => (log ?? '').trimEnd().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type);

describe('pi_rpc runner against a scripted pi process: failures are data', () => {
  it('reports a process that dies mid-stream as an incomplete RPC stream and keeps the event log', async () => {
    const run = await runWithFakePi('die-mid-stream');
    expect(run.conformance).toEqual([]);
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_incomplete_rpc_stream', stdout_path: null, token_usage: null });
    expect(run.raw.notes[0]).toBe('pi rpc stream ended before agent_end');
    expect(run.raw.notes).toContain('discarded a truncated pi rpc record at end of stream: {"type":"message_st');
    expect(eventTypes(await run.read(run.raw.event_log_path))).toEqual(['agent_start', 'turn_start']);
    expect((await run.completion()).failure_class).toBe('runner_incomplete_rpc_stream');
  });

  it('ends the stream soon after pi exits even when a descendant still holds its stdout', async () => {
    const run = await runWithFakePi('die-holding-stdout');
    const holder = run.log.find((e) => e.holderPid)?.holderPid;
    if (holder) process.kill(holder, 'SIGKILL');
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', failure_class: 'runner_incomplete_rpc_stream' });
    expect(Date.parse(run.raw.ended_at) - Date.parse(run.raw.started_at)).toBeLessThan(15_000);
  });

  it('turns malformed JSON into a transport failure with a note, and stops the process', async () => {
    const run = await runWithFakePi('malformed');
    expect(run.conformance).toEqual([]);
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', stdout_path: null });
    expect(run.raw.notes[0]).toBe('malformed pi rpc record on stdout line 4: invalid JSON: this is not json');
    expect(await run.read(run.raw.stderr_path)).toBe('runner process error: malformed pi rpc record on stdout line 4: invalid JSON: this is not json\nWarning: fake pi starting\n');
    expect(isAlive(run.log[0]!.pid!)).toBe(false);
  });

  it('records a rejected prompt', async () => {
    const run = await runWithFakePi('reject-prompt');
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_rpc_rejected', notes: ['agent is busy'] });
  });

  it('classifies a provider error without assistant text', async () => {
    const run = await runWithFakePi('provider-error');
    expect(run.raw).toMatchObject({ exit_kind: 'provider_error', exit_code: 1, failure_class: 'runner_provider_failure', stdout_path: null });
    expect(run.raw.notes).toContain('provider error: 503 overloaded');
    expect(run.raw.token_usage?.total_tokens).toBe(305);
  });

  it('classifies a blank assistant text as runner_empty_assistant_text', async () => {
    const run = await runWithFakePi('empty-text');
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_empty_assistant_text' });
    expect(await run.read(run.raw.stdout_path)).toBe('');
  });

  it('on timeout sends abort, waits for agent_end, then closes stdin: no kill needed', async () => {
    const run = await runWithFakePi('stall', { request: { timeout_seconds: 1 } });
    expect(run.conformance).toEqual([]);
    expect(run.raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout', stdout_path: null, token_usage: null });
    expect(run.raw.notes).toEqual(['runner process exceeded timeout', 'sent pi rpc abort command']);
    expect(commandsOf(run.log)).toEqual(['set_auto_retry', 'prompt', 'abort']);
    expect(run.log.at(-1)).toMatchObject({ stdin: 'closed', aborted: true });
    expect(eventTypes(await run.read(run.raw.event_log_path))).toEqual(['agent_start', 'message_end', 'agent_end']);
  });

  it('kills the process group when pi ignores abort, and says so', async () => {
    const run = await runWithFakePi('ignore-abort', { request: { timeout_seconds: 1 } });
    expect(run.raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout' });
    expect(run.raw.notes).toEqual(['runner process exceeded timeout', 'sent pi rpc abort command', 'pi rpc process required hard kill after abort grace period']);
    expect(isAlive(run.log[0]!.pid!)).toBe(false);
  });

  it('escalates to SIGKILL when pi also ignores SIGTERM', async () => {
    const run = await runWithFakePi('ignore-sigterm', { request: { timeout_seconds: 1 } });
    expect(run.raw.exit_kind).toBe('timeout');
    expect(run.log.some((e) => e.got === 'SIGTERM')).toBe(true);
    expect(isAlive(run.log[0]!.pid!)).toBe(false);
    expect(Date.parse(run.raw.ended_at) - Date.parse(run.raw.started_at)).toBeLessThan(10_000);
  });

  it('reports interrupted when the operator stops the daemon mid-run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const run = await runWithFakePi('stall', { signal: controller.signal });
    expect(run.raw).toMatchObject({ exit_kind: 'interrupted', exit_code: 130, failure_class: 'runner_interrupted' });
    expect(run.raw.notes).toEqual(['runner interrupted by operator stop', 'sent pi rpc abort command']);
  });

  it('reports a missing binary without throwing', async () => {
    const run = await runWithFakePi('ok', { config: { command: '/nonexistent/bin/pi' } });
    expect(run.conformance).toEqual([]);
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found', notes: ['runner executable missing'], stdout_path: null, event_log_path: null });
    expect(await run.read(run.raw.stderr_path)).toBe('runner binary not found: /nonexistent/bin/pi\n');
  });

  it('refuses to launch pi without a model so pi never picks one from the environment', async () => {
    const run = await runWithFakePi('ok', { request: { model_name: null } });
    expect(run.log).toEqual([]);
    expect(run.raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_model_unset', model_name: null });
    expect(await run.read(run.raw.stderr_path)).toContain('pi_rpc needs a model for stage builder');
  });
});
