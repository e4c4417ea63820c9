import type { WorkDocumentFormat, WorkDocumentKind } from '../contracts/documents.js';
import type { QueueState } from '../contracts/queue-move.js';
import { formatProblem } from '../workspace/documents/problems.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { SEARCH_ORDER, displayPath } from '../workspace/queue/layout.js';
import { readWorkItem } from '../workspace/queue/locate.js';
import { FULL_SCOPE, countByFolder, countDocumentFiles, listQueue, listQueueLocations, readQueueFile, type QueueListing, type QueueLocation } from '../workspace/queue/scan.js';
import { join } from 'node:path';
import { decideNextWorkItem, type ClaimPlane } from '../workspace/queue/select.js';
import { dependencyProblemText, findDependencyProblems, type DependencyProblem } from '../workspace/queue/dependencies.js';

export type NextItemView =
  | { status: 'claimable'; kind: WorkDocumentKind; id: string; path: string }
  | { status: 'busy'; active_id: string }
  | { status: 'conflict'; active_ids: string[] }
  | { status: 'idle'; waiting: number };

/** `queue ls --json`. */
export type QueueLsResult = {
  counts: { task: Record<'queue' | 'active' | 'done' | 'blocked', number>; spec: Record<'queue' | 'active' | 'done' | 'blocked', number>; incident: Record<'incoming' | 'active' | 'resolved' | 'blocked', number> };
  execution_queue_depth: number;
  planning_queue_depth: number;
  /** `learning/requests/queue` (the learning plane is not run; the folder is counted as the reference does). */
  learning_queue_depth: number;
  execution_active: number;
  planning_active: number;
  learning_active: number;
  active_task_count: number;
  active_spec_count: number;
  active_incident_count: number;
  active_learning_request_count: number;
  next: Record<ClaimPlane, NextItemView>;
  invalid: Array<{ kind: WorkDocumentKind; state: QueueState; path: string; problems: string[] }>;
  duplicates: Array<{ kind: WorkDocumentKind; id: string; paths: string[] }>;
  /** Queued tasks that wait forever: self-dependencies, dependency cycles, dependencies on ids that exist nowhere. */
  dependency_problems: DependencyProblemView[];
};

export type DependencyProblemView = DependencyProblem & { message: string };

function nextView(paths: WorkspacePaths, listing: QueueListing, plane: ClaimPlane): NextItemView {
  const decision = decideNextWorkItem(plane, [...listing.items, ...listing.invalid], listing.items);
  switch (decision.status) {
    case 'claimable':
      return { status: 'claimable', kind: decision.item.kind, id: decision.item.id, path: displayPath(paths, decision.item.path) };
    case 'busy':
      return { status: 'busy', active_id: decision.activeId };
    case 'conflict':
      return { status: 'conflict', active_ids: decision.activeIds };
    case 'idle':
      return decision;
  }
}

/** Pure: the dependency problems of a full listing's tasks. */
export function dependencyProblemsOf(listing: QueueListing): DependencyProblemView[] {
  const tasks = listing.items.filter((i) => i.kind === 'task').map((i) => ({ id: i.id, state: i.state, dependsOn: i.claim.dependsOn }));
  const existing = new Set([...listing.items, ...listing.invalid].map((f) => f.id));
  return findDependencyProblems(tasks, existing).map((p) => ({ ...p, message: dependencyProblemText(p) }));
}

/** Read model of every queue folder: counts, depths, the next claimable item per plane, invalid files, duplicates. */
export async function buildQueueOverview(paths: WorkspacePaths): Promise<QueueLsResult> {
  const listing = await listQueue(paths, FULL_SCOPE, { persistParsed: true });
  const counts = countByFolder(listing);
  const learningActive = countDocumentFiles(join(paths.runtimeRoot, 'learning', 'requests', 'active'));
  return {
    counts,
    execution_queue_depth: counts.task.queue,
    planning_queue_depth: counts.spec.queue + counts.incident.incoming,
    learning_queue_depth: countDocumentFiles(join(paths.runtimeRoot, 'learning', 'requests', 'queue')),
    execution_active: counts.task.active,
    planning_active: counts.spec.active + counts.incident.active,
    learning_active: learningActive,
    active_task_count: counts.task.active,
    active_spec_count: counts.spec.active,
    active_incident_count: counts.incident.active,
    active_learning_request_count: learningActive,
    next: { execution: nextView(paths, listing, 'execution'), planning: nextView(paths, listing, 'planning') },
    invalid: listing.invalid.map((f) => ({ kind: f.kind, state: f.state, path: displayPath(paths, f.path), problems: f.problems.map(formatProblem) })),
    duplicates: listing.duplicates.map((d) => ({ kind: d.kind, id: d.id, paths: d.locations.map((l) => displayPath(paths, l.path)) })),
    dependency_problems: dependencyProblemsOf(listing),
  };
}

/** `queue show --json`. */
export type QueueShowResult = {
  work_item_id: string;
  work_item_kind: WorkDocumentKind;
  work_item_state: QueueState;
  path: string;
  title: string;
  format: WorkDocumentFormat;
  fields: Record<string, unknown>;
  body: string;
};

export async function buildQueueItemView(paths: WorkspacePaths, id: string): Promise<QueueShowResult> {
  const item = await readWorkItem(paths, id);
  return {
    work_item_id: item.id,
    work_item_kind: item.kind,
    work_item_state: item.state,
    path: item.path,
    title: item.document.fields.title,
    format: item.document.format,
    fields: item.document.fields,
    body: item.document.body,
  };
}

/** One queue folder: how many `*.md` files it holds and the first `limit` of them by id (title null: does not parse). */
export type QueueFolderView = { kind: WorkDocumentKind; state: QueueState; count: number; items: Array<{ kind: WorkDocumentKind; state: QueueState; id: string; title: string | null }> };

/** Read model of the queue as a board (the web dashboard's queue columns). */
export type QueueBoardView = { folders: QueueFolderView[] };

/** Counts from the folder listings; only the documents shown are read, so 10,000 queued tasks cost one readdir. */
export async function buildQueueBoard(paths: WorkspacePaths, limitPerFolder: number): Promise<QueueBoardView> {
  const byFolder = new Map<string, QueueLocation[]>();
  for (const location of await listQueueLocations(paths, FULL_SCOPE)) {
    const key = `${location.kind}/${location.state}`;
    const list = byFolder.get(key);
    if (list) list.push(location);
    else byFolder.set(key, [location]);
  }
  return {
    folders: await Promise.all(
      SEARCH_ORDER.map(async ({ kind, state }) => {
        const locations = (byFolder.get(`${kind}/${state}`) ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const items = await Promise.all(
          locations.slice(0, limitPerFolder).map(async (location) => {
            const parsed = await readQueueFile(paths, location);
            return { kind, state, id: location.id, title: parsed && 'document' in parsed ? parsed.document.fields.title : null };
          }),
        );
        return { kind, state, count: locations.length, items };
      }),
    ),
  };
}
