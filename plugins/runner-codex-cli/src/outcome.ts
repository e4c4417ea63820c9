import { MARKER_LINE_PATTERN, type ExitKind } from '@millrace/plugin-api';
import { DEFAULT_MAX_LINE_TEXT } from '@millrace/plugin-api/agent-output';
import type { CodexEventSummary } from './events.js';

/** How the codex process ended, as observed by the process shell. */
export type ProcessOutcome = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  binaryNotFound: boolean;
  /** Any other spawn or OS error. */
  spawnError: string | null;
  /** The process group had to be killed after the SIGINT grace period. */
  forcedKill: boolean;
};

export type CodexOutcomeInput = {
  command: string;
  process: ProcessOutcome;
  events: CodexEventSummary;
  /** Content of the `--output-last-message` file, null when codex wrote none. */
  lastMessage: string | null;
  legalMarkers: string[];
  timeoutSeconds: number;
  /** Last non-empty stderr line, to explain a non-zero exit. */
  stderrTail: string | null;
};

export type CodexOutcome = {
  exit_kind: ExitKind;
  exit_code: number | null;
  observed_exit_kind: ExitKind | null;
  observed_exit_code: number | null;
  failure_class: string | null;
  notes: string[];
};

export const TIMEOUT_EXIT_CODE = 124;
export const MISSING_BINARY_EXIT_CODE = 127;

/**
 * The legal marker a timed-out run had already printed as its final line, if exactly one legal marker line exists
 * and it is the last non-empty line of the last message.
 */
export function selectReconciledMarker(lastMessage: string | null, legalMarkers: string[]): string | null {
  if (!lastMessage || lastMessage.trim() === '') return null;
  const lines = lastMessage.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const legal = lines.filter((l) => MARKER_LINE_PATTERN.test(l)).map((l) => `### ${MARKER_LINE_PATTERN.exec(l)?.[1] ?? ''}`).filter((m) => legalMarkers.includes(m));
  if (legal.length !== 1) return null;
  const last = lines.at(-1);
  return last === legal[0] ? legal[0] : null;
}

const nonFatalNotes = (events: CodexEventSummary) => events.errorMessages.slice(-3).map((m) => `codex reported (not final): ${m}`);

/** Pure: map what happened to the canonical exit and the adapter-level failure class (runners.md §9.2, adapted to codex 0.169). */
export function decideCodexOutcome(input: CodexOutcomeInput): CodexOutcome {
  const { process: proc, events } = input;
  const base = { observed_exit_kind: null, observed_exit_code: null } as const;
  if (proc.binaryNotFound) {
    return { ...base, exit_kind: 'runner_error', exit_code: MISSING_BINARY_EXIT_CODE, failure_class: 'runner_binary_not_found', notes: [`runner executable missing: ${input.command} (install @openai/codex or set runners.codex.command)`] };
  }
  if (proc.spawnError !== null) {
    return { ...base, exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: [`runner process error: ${proc.spawnError}`] };
  }
  const killNote = proc.forcedKill ? ['process group killed after the SIGINT grace period'] : [];
  if (proc.timedOut) {
    const marker = selectReconciledMarker(input.lastMessage, input.legalMarkers);
    if (marker) {
      return { exit_kind: 'completed', exit_code: 0, observed_exit_kind: 'timeout', observed_exit_code: TIMEOUT_EXIT_CODE, failure_class: null, notes: [`runner timeout reconciled after final terminal marker ${marker}`, ...killNote] };
    }
    return { ...base, exit_kind: 'timeout', exit_code: TIMEOUT_EXIT_CODE, failure_class: 'runner_timeout', notes: [`runner process exceeded timeout of ${input.timeoutSeconds} seconds`, ...killNote] };
  }
  if (proc.interrupted) {
    return { ...base, exit_kind: 'interrupted', exit_code: proc.exitCode, failure_class: 'runner_interrupted', notes: ['runner stopped by the operator', ...killNote] };
  }
  if (events.turnFailedMessage !== null) {
    return { ...base, exit_kind: 'provider_error', exit_code: proc.exitCode ?? 1, failure_class: 'runner_provider_failure', notes: [`codex turn failed: ${events.turnFailedMessage}`, ...nonFatalNotes(events)] };
  }
  if (proc.exitCode !== 0) {
    const how = proc.exitCode === null ? `signal ${proc.signal ?? 'unknown'}` : `status ${proc.exitCode}`;
    const detail = input.stderrTail ? `: ${input.stderrTail}` : '';
    return { ...base, exit_kind: 'runner_error', exit_code: proc.exitCode ?? 1, failure_class: 'runner_non_zero_exit', notes: [`runner exited with non-zero ${how}${detail}`, ...nonFatalNotes(events)] };
  }
  if (events.malformedLines.length > 0 || events.oversizedLines.length > 0) {
    const named = (lines: number[], what: string) => (lines.length > 0 ? [`line(s) ${lines.slice(0, 5).join(', ')} ${what}`] : []);
    const problems = [...named(events.malformedLines, 'are not JSON objects'), ...named(events.oversizedLines, `are longer than ${DEFAULT_MAX_LINE_TEXT} (not read)`)];
    return { ...base, exit_kind: 'runner_error', exit_code: 0, failure_class: 'runner_transport_failure', notes: [`malformed JSONL event stream from codex: ${problems.join('; ')}`] };
  }
  const notes = [...nonFatalNotes(events)];
  if (!events.turnCompleted) notes.push('codex event stream had no turn.completed event');
  if (input.lastMessage === null) notes.push('codex wrote no last message');
  return { ...base, exit_kind: 'completed', exit_code: 0, failure_class: null, notes };
}
