import type { RuntimeEvent } from '../contracts/runtime-state.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { eventsLogFingerprint, readRuntimeEvents } from '../workspace/state/events-log.js';
import { shortRunId } from './run-list.js';
import { parseSince } from './usage.js';
import { waitBeforeNextPoll } from './poll-wait.js';

/** `millrace logs` filters: event types (any of), a work item, a start time. */
export type LogFilters = { types: string[]; item: string | null; since: string | null };

/** Pure: the events that pass the filters, in log order. `--item` matches the id or `kind:id`. */
export function selectEvents(events: readonly RuntimeEvent[], filters: LogFilters, since: Date | null): RuntimeEvent[] {
  const types = new Set(filters.types);
  return events.filter((e) => {
    if (types.size > 0 && !types.has(e.event_type)) return false;
    if (since && Date.parse(e.occurred_at) < since.getTime()) return false;
    if (filters.item !== null) {
      const id = e.data.work_item_id;
      const kind = e.data.work_item_kind;
      if (id !== filters.item && !(typeof kind === 'string' && `${kind}:${String(id)}` === filters.item)) return false;
    }
    return true;
  });
}

/** Data keys shown first, in this order, when an event has them; the others follow by name. */
const LEADING = ['lane', 'run_id', 'work_item_id', 'terminal_result', 'failure_class', 'action', 'next_stage', 'reason'];
// Shown in the line's head or only noise in a line; --json keeps every field.
const HIDDEN = new Set(['plane', 'stage', 'work_item_kind', 'request_id', 'node_id', 'stage_kind_id', 'next_node_id', 'next_stage_kind_id', 'troubleshoot_report_path']);

const scalar = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return /\s/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** One readable line: UTC time, event type, plane/stage, then the event's data as key=value (run ids short). */
export function renderEventLine(e: RuntimeEvent): string {
  const d = e.data;
  const parts = [`${e.occurred_at.slice(0, 10)} ${e.occurred_at.slice(11, 19)}Z`, e.event_type];
  if (typeof d.plane === 'string') parts.push(typeof d.stage === 'string' ? `${d.plane}/${d.stage}` : d.plane);
  const keys = [...LEADING.filter((k) => k in d), ...Object.keys(d).filter((k) => !LEADING.includes(k) && !HIDDEN.has(k)).sort()];
  for (const key of keys) {
    const value = key === 'run_id' && typeof d.run_id === 'string' ? shortRunId(d.run_id) : key === 'work_item_id' && typeof d.work_item_kind === 'string' && typeof d.work_item_id === 'string' ? `${d.work_item_kind}:${d.work_item_id}` : scalar(d[key]);
    if (value !== null) parts.push(`${key === 'run_id' ? 'run' : key === 'work_item_id' ? 'item' : key}=${value}`);
  }
  return parts.join(' ');
}

export type LogsResult = { events: RuntimeEvent[] };

/** The events log (every rotated file, oldest first, through the workspace's reader), filtered. */
export async function readLogs(paths: WorkspacePaths, filters: LogFilters, now: Date): Promise<LogsResult> {
  const since = filters.since === null ? null : parseSince(filters.since, now);
  return { events: selectEvents(await readRuntimeEvents(paths), filters, since) };
}

const keyOf = (e: RuntimeEvent) => `${e.occurred_at}\u0000${e.event_type}\u0000${JSON.stringify(e.data)}`;

/**
 * Follow the events log: first every event that passes the filters, then each new one as it is appended (polled every
 * `pollMs`), until `signal` aborts. Rotation does not repeat or lose events: the last event seen is found again in the
 * log read across its rotated files.
 */
export async function* followLogs(paths: WorkspacePaths, filters: LogFilters, options: { pollMs: number; signal?: AbortSignal; now: Date }): AsyncGenerator<RuntimeEvent> {
  const since = filters.since === null ? null : parseSince(filters.since, options.now);
  let last: RuntimeEvent | null = null;
  let seen: string | null = null;
  for (;;) {
    const fingerprint = eventsLogFingerprint(paths);
    const events = fingerprint === seen ? [] : await readRuntimeEvents(paths);
    seen = fingerprint;
    let start = 0;
    if (last !== null) {
      const lastKey = keyOf(last);
      let at = events.length - 1;
      while (at >= 0 && keyOf(events[at]!) !== lastKey) at--;
      start = at >= 0 ? at + 1 : events.findIndex((e) => e.occurred_at > last!.occurred_at);
      if (start < 0) start = events.length;
    }
    const fresh = events.slice(start);
    if (fresh.length) last = fresh[fresh.length - 1]!;
    for (const e of selectEvents(fresh, filters, since)) yield e;
    if (options.signal?.aborted) return;
    await waitBeforeNextPoll(options.pollMs, options.signal);
    if (options.signal?.aborted) return;
  }
}
