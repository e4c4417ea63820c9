import { RuntimeEventSchema, type RuntimeEvent } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { appendLine } from './append-line.js';
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

/**
 * Read the events log. A torn last line (the process died mid-append) is ignored; any other bad line is an error
 * naming its line number.
 */
export async function readRuntimeEvents(paths: WorkspacePaths): Promise<RuntimeEvent[]> {
  const read = readStateFile(paths.eventsLog, paths.workspaceRoot);
  if (read.kind === 'refused') throw new MillraceError('WORKSPACE_STATE_INVALID', `millrace-agents/logs/runtime_events.jsonl: ${read.reason}`, { file: 'millrace-agents/logs/runtime_events.jsonl' });
  const text = read.kind === 'text' ? read.text : '';
  const lines = text.split('\n');
  const events: RuntimeEvent[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // A line torn by a killed writer (possibly merged with the next append): skip it.
      continue;
    }
    const parsed = RuntimeEventSchema.safeParse(json);
    if (!parsed.success) throw new MillraceError('WORKSPACE_STATE_INVALID', `millrace-agents/logs/runtime_events.jsonl: line ${index + 1}: ${parsed.error.issues[0]?.message ?? 'invalid event'}`);
    events.push(parsed.data);
  }
  return events;
}
