import { join, relative, sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import type { WorkspacePaths } from '../paths.js';

/** Folders of each kind in lifecycle order (documents.md §1). */
export const KIND_STATES = {
  task: ['queue', 'active', 'done', 'blocked'],
  spec: ['queue', 'active', 'done', 'blocked'],
  incident: ['incoming', 'active', 'resolved', 'blocked'],
} as const satisfies Record<WorkDocumentKind, readonly QueueState[]>;

export type KindState<K extends WorkDocumentKind> = (typeof KIND_STATES)[K][number];

/** Where new documents of a kind land. */
export const INTAKE_STATE = { task: 'queue', spec: 'queue', incident: 'incoming' } as const;

/** `queue show` search order: tasks, specs, incidents; each in lifecycle order (documents.md §9.2). */
export const SEARCH_ORDER: ReadonlyArray<{ kind: WorkDocumentKind; state: QueueState }> = (['task', 'spec', 'incident'] as const).flatMap((kind) =>
  KIND_STATES[kind].map((state) => ({ kind, state })),
);

/**
 * How far along its lifecycle a folder is. When the same document is found in two folders with no move intent
 * to explain it, the copy in the later folder is authoritative.
 */
export const LIFECYCLE_RANK: Record<QueueState, number> = { queue: 0, incoming: 0, active: 1, blocked: 2, done: 3, resolved: 3 };

export function isKindState(kind: WorkDocumentKind, state: string): state is QueueState {
  return (KIND_STATES[kind] as readonly string[]).includes(state);
}

export function stateDir(paths: WorkspacePaths, kind: WorkDocumentKind, state: QueueState): string {
  const group = kind === 'task' ? paths.tasks : kind === 'spec' ? paths.specs : paths.incidents;
  const dir = (group as Record<string, string>)[state];
  if (dir === undefined) throw new Error(`no ${state} folder for ${kind}`);
  return dir;
}

export const documentPath = (paths: WorkspacePaths, kind: WorkDocumentKind, state: QueueState, id: string): string =>
  join(stateDir(paths, kind, state), `${id}.md`);

/** Folder for in-flight move intents. */
export const moveIntentDir = (paths: WorkspacePaths): string => join(paths.state, 'queue_moves');

/** Paths in messages are relative to `millrace-agents/` (e.g. `tasks/queue/x.md`). */
export function displayPath(paths: WorkspacePaths, path: string): string {
  const prefix = paths.runtimeRoot + sep;
  if (path.startsWith(prefix)) return path.slice(prefix.length).split(sep).join('/');
  return relative(paths.runtimeRoot, path) || path;
}
