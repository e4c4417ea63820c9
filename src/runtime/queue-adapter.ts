import { join } from 'node:path';
import { IncidentDocumentSchema } from '../contracts/documents.js';
import { MillraceError, isMillraceError } from '../errors/index.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import {
  claimNextLaneTask,
  claimNextWorkItem,
  enqueueWorkItem,
  listQueueLocations,
  locateWorkItem,
  moveWorkItem,
  readWorkItem,
  repairQueue,
  stateDir,
  type ListOptions,
} from '../workspace/queue/index.js';
import { createDocumentCounter } from '../workspace/queue/folder-count.js';
import { appendRequeueLog } from '../workspace/state/requeue-log.js';
import { QueueStateError, type HandoffIncident, type QueueLocation, type QueuePort, type QueuedItem } from './queue-port.js';

type Kind = QueuedItem['kind'];
const INTAKE = { task: 'queue', spec: 'queue', incident: 'incoming' } as const;
const SUCCESS = { task: 'done', spec: 'done', incident: 'resolved' } as const;

/** Queue-state conflicts of the store become QueueStateError with the spec's wording (routing.md §5). */
async function move(paths: WorkspacePaths, kind: Kind, id: string, to: 'queue' | 'incoming' | 'done' | 'resolved' | 'blocked'): Promise<void> {
  try {
    await moveWorkItem(paths, kind, id, 'active', to);
  } catch (error) {
    if (isMillraceError(error) && error.code === 'NOT_FOUND') throw new QueueStateError(`${kind} ${id} is not active`);
    if (isMillraceError(error) && error.code === 'DUPLICATE_ID') throw new QueueStateError(`${kind} ${id} already exists at destination`);
    throw error;
  }
}

const nullable = (v: string | undefined | null) => (v === undefined || v === null ? null : v);

/**
 * The runtime's view of the queue store (`src/workspace/queue`): claim order, crash-safe moves, repair. `claimListing`
 * says how a claim reads the queue: `run once` reuses the persisted parse cache (like `status`) instead of parsing
 * every queued document; the daemon watches the queue folders and re-reads only the files that changed since its
 * last claim.
 */
export function createQueueAdapter(paths: WorkspacePaths, claimListing: ListOptions = {}): QueuePort {
  const countDocuments = createDocumentCounter();
  return {
    async repair() {
      await repairQueue(paths);
    },
    async claimNext(family, scope) {
      const claimed = await claimNextWorkItem(paths, family, scope ? { rootSpecId: scope } : {}, claimListing);
      return claimed.status === 'claimed' ? { kind: claimed.item.kind, id: claimed.item.id, path: claimed.item.path } : null;
    },
    async claimForLane(scope, options) {
      const claimed = await claimNextLaneTask(paths, { ...options, ...(scope ? { rootSpecId: scope } : {}) });
      return claimed.status === 'claimed' ? { kind: claimed.item.kind, id: claimed.item.id, path: claimed.item.path } : null;
    },
    finish: (kind, id, to) => move(paths, kind, id, to === 'done' ? SUCCESS[kind] : 'blocked'),
    async requeue(kind, id, reason, now) {
      await move(paths, kind, id, INTAKE[kind]);
      await appendRequeueLog(stateDir(paths, kind, INTAKE[kind]), kind, id, reason, now);
    },
    async listActive() {
      const found = await listQueueLocations(paths, { task: ['active'], spec: ['active'], incident: ['active'] });
      return found.map((l) => ({ kind: l.kind, id: l.id, path: l.path }));
    },
    async locate(kind, id) {
      const found = await locateWorkItem(paths, id, [kind]);
      if (!found) return null;
      const map: Record<string, QueueLocation> = { queue: 'queue', incoming: 'queue', active: 'active', done: 'done', resolved: 'done', blocked: 'blocked' };
      return map[found.state] ?? null;
    },
    activePath: (kind, id) => join(stateDir(paths, kind, 'active'), `${id}.md`),
    async readLineage(kind, id) {
      try {
        const { document } = await readWorkItem(paths, id, kind);
        const f = document.fields as unknown as Record<string, string | undefined>;
        return {
          root_idea_id: nullable(f.root_idea_id),
          root_spec_id: nullable(f.root_spec_id),
          spec_id: nullable(f.spec_id),
          source_task_id: nullable(f.source_task_id),
          source_spec_id: nullable(f.source_spec_id),
        };
      } catch {
        return null;
      }
    },
    async enqueueIncident(incident: HandoffIncident) {
      const fields = IncidentDocumentSchema.parse(Object.fromEntries(Object.entries(incident).filter(([, v]) => v !== null)));
      try {
        const location = await enqueueWorkItem(paths, { kind: 'incident', fields, body: `# ${incident.title}\n\n${incident.summary}`, format: 'front_matter' });
        return location.path;
      } catch (error) {
        if (isMillraceError(error) && error.code === 'DUPLICATE_ID') throw new QueueStateError(error.message);
        throw error;
      }
    },
    async depths() {
      // Counted from names alone (no per-entry types or location objects), and only for folders that changed since the
      // last count: the runtime asks at start, every tick and after every queue move.
      return {
        execution: countDocuments(paths.tasks.queue),
        planning: countDocuments(paths.specs.queue) + countDocuments(paths.incidents.incoming),
        learning: countDocuments(join(paths.runtimeRoot, 'learning', 'requests', 'queue')),
      };
    },
  };
}
