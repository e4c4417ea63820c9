import { addTokenUsage, type ExitKind, type RunnerActivityInput, type TokenUsage } from '@millrace/plugin-api';
import {
  activityFromPiEvent,
  decideFinishedSession,
  isBlockingUiRequest,
  isProviderErrorEvent,
  parseAssistantText,
  parseSessionCost,
  parseSessionTokens,
  providerErrorMessage,
  usageOfMessageEnd,
} from './pi-events.js';
import type { PiProcess } from './process.js';
import { PiRpcClient, RpcStreamError, type RpcEvent } from './rpc-client.js';

export type PiSessionTimings = {
  /** Budget from start-up to the final agent_end. */
  timeoutMs: number;
  /** Budget for each query after agent_end (last text, stats). */
  responseTimeoutMs: number;
  /** How long to wait for agent_end after sending `abort`. */
  abortGraceMs: number;
  /** Each step of the shutdown ladder (close stdin, SIGTERM, SIGKILL). */
  shutdownStepMs: number;
  /** How long to look for `auto_retry_start` after a failed agent_end when pi refused to disable auto-retry. */
  retryProbeMs: number;
};
export const DEFAULT_PI_SESSION_TIMINGS: Omit<PiSessionTimings, 'timeoutMs'> = {
  responseTimeoutMs: 5000,
  abortGraceMs: 2000,
  shutdownStepMs: 1000,
  retryProbeMs: 1000,
};

export type RecordedEvent = { type: string; line: string };

export type PiSessionOutcome = {
  exitKind: ExitKind;
  exitCode: number;
  /** Adapter-level failure class (runners.md §6.3), null on success. */
  failureClass: string | null;
  notes: string[];
  assistantText: string | null;
  tokens: TokenUsage | null;
  /** USD cost pi computed for the session, when it priced it. */
  costUsd: number | null;
  /** Set when the RPC transport broke: EOF while awaiting a response, a malformed record, a refused write. */
  transportError: string | null;
};

type Verdict = Pick<PiSessionOutcome, 'exitKind' | 'exitCode' | 'failureClass' | 'notes'> & { assistantText?: string | null; tokens?: TokenUsage | null; costUsd?: number | null };

const EXIT_DRAIN_MS = 500;
const AUTO_RETRY_ID = 'auto-retry-1';
const PROMPT_ID = 'prompt-1';
const ABORT_ID = 'abort-1';
const LAST_TEXT_ID = 'last-assistant-1';
const STATS_ID = 'session-stats-1';

/**
 * Drive one stage through a running `pi --mode rpc` process and always leave it stopped.
 * Protocol failures become data in the outcome; only programming errors throw.
 */
export async function runPiSession(
  proc: PiProcess,
  prompt: string,
  timings: PiSessionTimings,
  hooks: { signal?: AbortSignal; onActivity?: (activity: RunnerActivityInput) => void; onEventLine?: (event: RecordedEvent) => void } = {},
): Promise<PiSessionOutcome> {
  const { signal, onActivity, onEventLine } = hooks;
  let usageSoFar: TokenUsage | null = null;
  const diagnostics: string[] = [];
  const state = { providerError: false, providerMessage: null as string | null, quiesced: false };
  const client: PiRpcClient = new PiRpcClient((line) => proc.writeLine(line), {
    onEvent: (event, line) => {
      // Handed on as it arrives, never kept: a stage's events can add up to any size.
      onEventLine?.({ type: event.type, line });
      if (onActivity) {
        const usage = usageOfMessageEnd(event);
        if (usage) usageSoFar = usageSoFar ? addTokenUsage(usageSoFar, usage) : usage;
        const activity = activityFromPiEvent(event);
        if (activity || usage) onActivity({ ...(activity ?? { kind: 'event', text: '' }), ...(usage && usageSoFar ? { usage: usageSoFar } : {}) });
      }
      if (isProviderErrorEvent(event)) {
        state.providerError = true;
        state.providerMessage = providerErrorMessage(event) ?? state.providerMessage;
      }
      if (isBlockingUiRequest(event)) {
        diagnostics.push(`cancelled pi extension dialog ${String(event.method)} (no operator in a stage run)`);
        client.send({ type: 'extension_ui_response', id: event.id, cancelled: true }).catch(() => undefined);
      }
    },
    onNote: (note) => diagnostics.push(note),
  });
  proc.readStdout(
    (chunk) => client.push(chunk),
    () => client.end(),
  );
  // A descendant that inherited pi's stdout could keep the pipe open after pi died: treat exit as end of stream soon after.
  void proc.exited.then(() => setTimeout(() => client.end(), EXIT_DRAIN_MS).unref());

  let verdict: Verdict;
  let transportError: string | null = null;
  try {
    verdict = await converse(client, prompt, timings, state, signal);
  } catch (error) {
    if (!(error instanceof RpcStreamError)) throw error;
    transportError = error.message;
    verdict = { exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_transport_failure', notes: [error.message] };
  }
  const signalled = await shutdown(proc, state.quiesced, timings.shutdownStepMs);
  if (signalled && (verdict.exitKind === 'timeout' || verdict.exitKind === 'interrupted')) {
    verdict.notes.push('pi rpc process required hard kill after abort grace period');
  }
  if (state.providerMessage && verdict.failureClass === 'runner_provider_failure') verdict.notes.push(`provider error: ${state.providerMessage}`);
  return {
    exitKind: verdict.exitKind,
    exitCode: verdict.exitCode,
    failureClass: verdict.failureClass,
    notes: [...verdict.notes, ...diagnostics],
    assistantText: verdict.assistantText ?? null,
    tokens: verdict.tokens ?? null,
    costUsd: verdict.costUsd ?? null,
    transportError,
  };
}

type SessionState = { providerError: boolean; quiesced: boolean };

async function converse(client: PiRpcClient, prompt: string, timings: PiSessionTimings, state: SessionState, signal?: AbortSignal): Promise<Verdict> {
  const deadline = Date.now() + timings.timeoutMs;

  // pi's auto-retry makes an agent_end non-final; Millrace's recovery stages own retries.
  const retry = await client.request({ id: AUTO_RETRY_ID, type: 'set_auto_retry', enabled: false }, deadline, signal);
  if (retry.kind !== 'response') return abortRun(client, retry.kind, timings, state);
  const retriesDisabled = retry.response.success;
  const notes = retriesDisabled ? [] : ['pi rejected set_auto_retry; waiting past retried agent_end events'];

  const accepted = await client.request({ id: PROMPT_ID, type: 'prompt', message: prompt }, deadline, signal);
  if (accepted.kind !== 'response') return abortRun(client, accepted.kind, timings, state);
  if (!accepted.response.success) {
    state.quiesced = true;
    return { exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_rpc_rejected', notes: [...notes, accepted.response.error ?? 'prompt rejected'] };
  }

  for (;;) {
    const end = await client.awaitEvent((e) => e.type === 'agent_end', deadline, signal);
    if (end.kind === 'eof') return { exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_incomplete_rpc_stream', notes: [...notes, 'pi rpc stream ended before agent_end'] };
    if (end.kind !== 'event') return abortRun(client, end.kind, timings, state);
    if (retriesDisabled || !isProviderErrorEvent(end.event)) break;
    const probeUntil = Math.min(deadline, Date.now() + timings.retryProbeMs);
    const retrying = await client.awaitEvent((e: RpcEvent) => e.type === 'auto_retry_start', probeUntil, signal);
    if (retrying.kind === 'cancelled') return abortRun(client, 'cancelled', timings, state);
    if (retrying.kind !== 'event') break;
  }
  state.quiesced = true;

  const textReply = await client.request({ id: LAST_TEXT_ID, type: 'get_last_assistant_text' }, Date.now() + timings.responseTimeoutMs);
  const textOk = textReply.kind === 'response' && textReply.response.success;
  if (!textOk) notes.push('pi rpc get_last_assistant_text failed');
  const assistantText = textOk ? parseAssistantText(textReply.response.data) : null;

  const statsReply = await client.request({ id: STATS_ID, type: 'get_session_stats' }, Date.now() + timings.responseTimeoutMs);
  const tokens = statsReply.kind === 'response' && statsReply.response.success ? parseSessionTokens(statsReply.response.data) : null;
  if (tokens === null) notes.push('pi rpc get_session_stats unavailable');
  const costUsd = statsReply.kind === 'response' && statsReply.response.success ? parseSessionCost(statsReply.response.data) : null;

  const finished = decideFinishedSession(state.providerError, assistantText);
  return {
    exitKind: finished.exitKind,
    exitCode: finished.exitCode,
    failureClass: finished.failureClass,
    notes: finished.note ? [...notes, finished.note] : notes,
    assistantText,
    tokens,
    costUsd,
  };
}

/** Timeout or operator stop: ask pi to abort (it stops its tools), then give it a bounded grace for agent_end. */
async function abortRun(client: PiRpcClient, why: 'timeout' | 'cancelled', timings: PiSessionTimings, state: SessionState): Promise<Verdict> {
  const notes = why === 'timeout' ? ['runner process exceeded timeout'] : ['runner interrupted by operator stop'];
  try {
    await client.send({ id: ABORT_ID, type: 'abort' });
    notes.push('sent pi rpc abort command');
  } catch {
    notes.push('failed to send pi rpc abort command');
  }
  try {
    const ended = await client.awaitEvent((e) => e.type === 'agent_end', Date.now() + timings.abortGraceMs);
    if (ended.kind === 'event') state.quiesced = true;
  } catch (error) {
    if (!(error instanceof RpcStreamError)) throw error;
    notes.push(error.message);
  }
  return why === 'timeout'
    ? { exitKind: 'timeout', exitCode: 124, failureClass: 'runner_timeout', notes }
    : { exitKind: 'interrupted', exitCode: 130, failureClass: 'runner_interrupted', notes };
}

/**
 * Stop pi. When no tool can be running (final agent_end seen) closing stdin is the clean exit; otherwise
 * closing stdin would orphan a running tool, so pi gets SIGTERM first (it kills its tools on SIGTERM).
 * Returns whether signals were needed.
 */
async function shutdown(proc: PiProcess, quiesced: boolean, stepMs: number): Promise<boolean> {
  if (quiesced) {
    proc.closeStdin();
    if (await proc.waitForExit(stepMs)) return false;
  }
  if (!proc.isRunning()) return false;
  proc.signalGroup('SIGTERM');
  if (!(await proc.waitForExit(stepMs))) {
    proc.signalGroup('SIGKILL');
    await proc.waitForExit(stepMs);
  }
  proc.closeStdin();
  return true;
}
