import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RuntimeEventSchema, type RuntimeEvent } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { appendLine } from './append-line.js';
import { parseJsonLines } from './json-lines.js';
import { readStateFile } from './state-file.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as Record<string, unknown>).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Append one event line (keys sorted recursively); a failed append leaves no torn line behind. */
export async function appendRuntimeEvent(paths: WorkspacePaths, eventType: string, data: Record<string, unknown>, now: Date): Promise<RuntimeEvent> {
  const event = RuntimeEventSchema.parse({ data, event_type: eventType, kind: 'runtime_event', occurred_at: now.toISOString(), schema_version: '1.0' });
  const line = `${JSON.stringify(sortKeys(event))}\n`;
  appendLine(paths.eventsLog, line);
  return event;
}

/** `runtime_events.<n>.jsonl`: a rotated events log; a higher number is newer. */
const ROTATED_NAME = /^runtime_events\.([1-9]\d{0,8})\.jsonl$/;

/** Rotated events logs, oldest first (absolute paths with their numbers). */
export function rotatedEventsLogs(paths: WorkspacePaths): Array<{ n: number; path: string }> {
  let names: string[];
  try {
    names = readdirSync(paths.logs);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: ROTATED_NAME.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ n: Number(e.match[1]), path: join(paths.logs, e.name) }))
    .sort((a, b) => a.n - b.n);
}

/** Every file of the events log in the order its events were written: rotated files oldest first, then the current one. */
export function eventsLogFiles(paths: WorkspacePaths): string[] {
  return [...rotatedEventsLogs(paths).map((r) => r.path), paths.eventsLog];
}

function parseEventsFile(paths: WorkspacePaths, path: string, into: RuntimeEvent[]): void {
  const display = relative(paths.workspaceRoot, path);
  const read = readStateFile(path, paths.workspaceRoot, 'events log');
  if (read.kind === 'refused') throw new MillraceError('WORKSPACE_STATE_INVALID', `${display}: ${read.reason}`, { file: display });
  if (read.kind === 'absent') return;
  // A line torn by a killed writer (possibly merged with the next append) is skipped.
  const parsed = parseJsonLines(read.text, RuntimeEventSchema);
  if (!parsed.ok) throw new MillraceError('WORKSPACE_STATE_INVALID', `${display}: line ${parsed.line}: ${parsed.issue?.message ?? 'invalid event'}`, { file: display });
  for (const event of parsed.records) into.push(event);
}

/**
 * Read the whole events history, oldest first: the rotated files (`runtime_events.<n>.jsonl`, lowest number first),
 * then `runtime_events.jsonl`. The one reader of the events log; a torn line (the process died mid-append) is
 * ignored, any other bad line is an error naming its file and line number.
 */
export async function readRuntimeEvents(paths: WorkspacePaths): Promise<RuntimeEvent[]> {
  const events: RuntimeEvent[] = [];
  for (const path of eventsLogFiles(paths)) parseEventsFile(paths, path, events);
  return events;
}

/**
 * A cheap fingerprint of every events log file (name, inode, size, modification time): when it is unchanged, no event
 * was appended and no file rotated, so a follower can skip reading and parsing the whole history.
 */
export function eventsLogFingerprint(paths: WorkspacePaths): string {
  return eventsLogFiles(paths)
    .map((path) => {
      const stat = lstatOrNull(path);
      return stat ? `${path}:${stat.ino}:${stat.size}:${stat.mtimeMs}` : `${path}:-`;
    })
    .join('|');
}

export type EventsLogRotation = {
  /** The current log's new name when it was (or would be) rotated. */
  rotated_to: string | null;
  /** Rotated files removed (or that would be) to keep at most `keepFiles`. */
  removed: string[];
};

/**
 * Rotate the events log by size: when `runtime_events.jsonl` is larger than `maxBytes`, rename it to the next
 * `runtime_events.<n>.jsonl` (one rename: a crash leaves either name, never a half-copied file), then remove the
 * oldest rotated files beyond `keepFiles`. Only the workspace's owner (the daemon, or `runs prune` with no daemon)
 * rotates. With `dryRun` nothing changes and the result says what would.
 */
export function rotateEventsLog(paths: WorkspacePaths, policy: { maxBytes: number; keepFiles: number }, dryRun = false): EventsLogRotation {
  const rotated = rotatedEventsLogs(paths);
  let rotatedTo: string | null = null;
  const current = lstatOrNull(paths.eventsLog);
  if (current?.isFile() && current.size > policy.maxBytes) {
    const next = (rotated.at(-1)?.n ?? 0) + 1;
    const target = join(paths.logs, `runtime_events.${next}.jsonl`);
    if (!dryRun) renameSync(paths.eventsLog, target);
    rotated.push({ n: next, path: target });
    rotatedTo = target;
  }
  const excess = rotated.slice(0, Math.max(0, rotated.length - policy.keepFiles));
  const removed: string[] = [];
  for (const file of excess) {
    if (!dryRun) {
      try {
        unlinkSync(file.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    removed.push(file.path);
  }
  return { rotated_to: rotatedTo, removed };
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
