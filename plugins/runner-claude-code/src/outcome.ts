import { MARKER_LINE_PATTERN, type ExitKind } from '@millrace/plugin-api';
import { DEFAULT_MAX_LINE_TEXT } from '@millrace/plugin-api/agent-output';
import type { ClaudeStreamSummary } from './stream.js';

/** How the claude process ended, as observed by the process shell. */
export type ProcessOutcome = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  binaryNotFound: boolean;
  /** Any other spawn or OS error. */
  spawnError: string | null;
  /** Processes had to be killed after the SIGINT grace period. */
  forcedKill: boolean;
};

export type ClaudeOutcomeInput = {
  command: string;
  process: ProcessOutcome;
  stream: ClaudeStreamSummary;
  legalMarkers: string[];
  timeoutSeconds: number;
  /** Last non-empty stderr line, to explain a non-zero exit. */
  stderrTail: string | null;
};

export type ClaudeOutcome = {
  exit_kind: ExitKind;
  exit_code: number | null;
  observed_exit_kind: ExitKind | null;
  observed_exit_code: number | null;
  failure_class: string | null;
  notes: string[];
};

export const TIMEOUT_EXIT_CODE = 124;
export const MISSING_BINARY_EXIT_CODE = 127;

/** The legal marker that ends `text` as its last non-empty line, when it is the only legal marker line in it. */
export function finalLegalMarker(text: string | null, legalMarkers: string[]): string | null {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const legal = lines.filter((l) => MARKER_LINE_PATTERN.test(l)).map((l) => `### ${MARKER_LINE_PATTERN.exec(l)?.[1] ?? ''}`).filter((m) => legalMarkers.includes(m));
  return legal.length === 1 && lines.at(-1) === legal[0] ? legal[0] : null;
}

function streamNotes(stream: ClaudeStreamSummary): string[] {
  const notes: string[] = [];
  if (stream.unknownEventCount > 0) notes.push(`ignored ${stream.unknownEventCount} stream-json event(s) of unknown type`);
  return notes;
}

function malformedNote(stream: ClaudeStreamSummary): string {
  const part = (count: number, lines: number[], what: string) => (count > 0 ? [`${count} line(s) ${what} (line(s) ${lines.slice(0, 5).join(', ')})`] : []);
  const parts = [...part(stream.malformedLineCount, stream.malformedLines, 'are not JSON objects'), ...part(stream.oversizedLineCount, stream.oversizedLines, `are longer than ${DEFAULT_MAX_LINE_TEXT}, not read`)];
  return `malformed stream-json from claude: ${parts.join('; ')}`;
}

/** Pure: map what happened to the canonical exit and the adapter-level failure class (runners.md §6.3). */
export function decideClaudeOutcome(input: ClaudeOutcomeInput): ClaudeOutcome {
  const { process: proc, stream } = input;
  const result = stream.result;
  const base = { observed_exit_kind: null, observed_exit_code: null } as const;
  if (proc.binaryNotFound) {
    return { ...base, exit_kind: 'runner_error', exit_code: MISSING_BINARY_EXIT_CODE, failure_class: 'runner_binary_not_found', notes: [`runner executable missing: ${input.command} (install @anthropic-ai/claude-code or set runners.claude.command)`] };
  }
  if (proc.spawnError !== null) {
    return { ...base, exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: [`runner process error: ${proc.spawnError}`] };
  }
  const killNote = proc.forcedKill ? ['processes killed after the SIGINT grace period'] : [];
  if (proc.timedOut) {
    const why = `runner process exceeded timeout of ${input.timeoutSeconds} seconds`;
    const marker = result && !result.isError ? finalLegalMarker(result.text, input.legalMarkers) : null;
    if (marker) {
      return { exit_kind: 'completed', exit_code: 0, observed_exit_kind: 'timeout', observed_exit_code: TIMEOUT_EXIT_CODE, failure_class: null, notes: [`runner timeout reconciled after final terminal marker ${marker}`, why, ...killNote] };
    }
    return { ...base, exit_kind: 'timeout', exit_code: TIMEOUT_EXIT_CODE, failure_class: 'runner_timeout', notes: [why, ...killNote] };
  }
  if (proc.interrupted) {
    return { ...base, exit_kind: 'interrupted', exit_code: proc.exitCode, failure_class: 'runner_interrupted', notes: ['runner stopped by the operator', ...killNote] };
  }
  if (stream.malformedLineCount > 0 || stream.oversizedLineCount > 0) {
    return { ...base, exit_kind: 'runner_error', exit_code: proc.exitCode || 1, failure_class: 'runner_transport_failure', notes: [malformedNote(stream), ...streamNotes(stream)] };
  }
  if (result?.isError) {
    const detail = [result.text, ...result.errors].filter((t): t is string => t !== null && t.trim() !== '').join('; ');
    const what = `claude reported an error result (${result.subtype}${result.terminalReason ? `, ${result.terminalReason}` : ''})${detail ? `: ${detail}` : ''}`;
    if (result.apiErrorStatus !== null || result.terminalReason === 'api_error') {
      return { ...base, exit_kind: 'provider_error', exit_code: proc.exitCode || 1, failure_class: 'runner_provider_failure', notes: [what, ...streamNotes(stream)] };
    }
    return { ...base, exit_kind: 'runner_error', exit_code: proc.exitCode || 1, failure_class: 'runner_non_zero_exit', notes: [what, ...streamNotes(stream)] };
  }
  if (proc.exitCode !== 0) {
    const how = proc.exitCode === null ? `signal ${proc.signal ?? 'unknown'}` : `status ${proc.exitCode}`;
    const detail = input.stderrTail ? `: ${input.stderrTail}` : '';
    const missing = result === null ? ['claude printed no result event'] : [];
    return { ...base, exit_kind: 'runner_error', exit_code: proc.exitCode ?? 1, failure_class: 'runner_non_zero_exit', notes: [`runner exited with non-zero ${how}${detail}`, ...missing, ...streamNotes(stream)] };
  }
  if (result === null) {
    return { ...base, exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['claude exited without a result event in its stream-json output', ...streamNotes(stream)] };
  }
  if (result.text === null || result.text.trim() === '') {
    return { ...base, exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_empty_assistant_text', notes: ['claude result carried no final text', ...streamNotes(stream)] };
  }
  return { ...base, exit_kind: 'completed', exit_code: 0, failure_class: null, notes: streamNotes(stream) };
}
