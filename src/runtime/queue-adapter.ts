import { appendFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import type { WorkspacePaths } from '../workspace/paths.js';
import { QueueStateError, type HandoffIncident, type QueueFamily, type QueueLocation, type QueuePort, type QueuedItem, type WorkItemLineage } from './queue-port.js';

type Kind = QueuedItem['kind'];
type Folders = Record<QueueLocation, string>;

function folders(paths: WorkspacePaths, kind: Kind): Folders {
  if (kind === 'task') return paths.tasks;
  if (kind === 'spec') return paths.specs;
  return { queue: paths.incidents.incoming, active: paths.incidents.active, done: paths.incidents.resolved, blocked: paths.incidents.blocked };
}

const mdFiles = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.md')).sort();
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : v instanceof Date ? v.toISOString() : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Front matter fields, or the labelled `Key: value` header lines (documents.md §3). */
function readFields(text: string): Record<string, unknown> {
  if (/^---\s*\n/.test(text)) return matter(text).data as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  let listKey: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && listKey) {
      (fields[listKey] as string[]).push(item[1]!.trim());
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z -]*):\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.trim().toLowerCase().replace(/[ -]+/g, '_');
    if (kv[2]!.trim() === '') {
      fields[key] = [];
      listKey = key;
    } else {
      fields[key] = key === 'depends_on' ? kv[2]!.split(',').map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== 'none') : kv[2]!.trim();
      listKey = null;
    }
  }
  return fields;
}

function effectiveRoot(kind: Kind, f: Record<string, unknown>): string | null {
  const root = str(f.root_spec_id);
  if (root) return root;
  if (kind === 'task') return str(f.spec_id);
  if (kind === 'incident') return str(f.source_spec_id);
  const source = str(f.source_type);
  return source === 'idea' || source === 'manual' ? str(f.spec_id) : null;
}

/** Filesystem queue used by the runtime: claim order, moves and requeue logs of documents.md §7-8. */
export function createQueueAdapter(paths: WorkspacePaths): QueuePort {
  const readDoc = async (path: string) => readFields(await readFile(path, 'utf8'));

  async function quarantine(dir: string, name: string, error: string, now: Date): Promise<void> {
    let target = `${name}.invalid`;
    for (let i = 1; existsSync(join(dir, target)); i++) target = `${name}.invalid.${i}`;
    await rename(join(dir, name), join(dir, target)).catch(() => undefined);
    await appendFile(join(dir, 'invalid-artifacts.jsonl'), `${JSON.stringify({ at: now.toISOString(), error, quarantine_name: target, source_name: name })}\n`);
  }

  async function pick(kind: Kind, scope: string | null, now: Date): Promise<QueuedItem | null> {
    const f = folders(paths, kind);
    const done = kind === 'task' ? new Set((await mdFiles(f.done)).map((n) => n.slice(0, -3))) : new Set<string>();
    const candidates: Array<{ id: string; at: string; name: string }> = [];
    for (const name of await mdFiles(f.queue)) {
      let fields: Record<string, unknown>;
      try {
        fields = await readDoc(join(f.queue, name));
      } catch {
        continue;
      }
      const id = str(fields[`${kind}_id`]);
      const stem = name.slice(0, -3);
      if (!id) {
        await quarantine(f.queue, name, `${kind}_id is missing`, now);
        continue;
      }
      if (id !== stem) {
        await quarantine(f.queue, name, `filename stem does not match ${kind}_id: expected ${id}, found ${stem}`, now);
        continue;
      }
      if (scope !== null && effectiveRoot(kind, fields) !== scope) continue;
      if (kind === 'task' && !list(fields.depends_on).every((d) => done.has(d))) continue;
      candidates.push({ id, at: str(kind === 'incident' ? fields.opened_at : fields.created_at) ?? '', name });
    }
    candidates.sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at < b.at ? -1 : 1));
    for (const c of candidates) {
      try {
        await rename(join(f.queue, c.name), join(f.active, c.name));
        return { kind, id: c.id, path: join(f.active, c.name) };
      } catch {
        continue; // vanished in between: try the next one
      }
    }
    return null;
  }

  const port: QueuePort = {
    async claimNext(family: QueueFamily, scope, now) {
      if (family === 'execution') {
        if ((await mdFiles(paths.tasks.active)).length > 0) return null;
        return pick('task', scope, now);
      }
      if ((await mdFiles(paths.specs.active)).length + (await mdFiles(paths.incidents.active)).length > 0) return null;
      return (await pick('incident', scope, now)) ?? pick('spec', scope, now);
    },
    async finish(kind, id, to) {
      const f = folders(paths, kind);
      const from = join(f.active, `${id}.md`);
      const dest = join(f[to], `${id}.md`);
      if (!existsSync(from)) throw new QueueStateError(`${kind} ${id} is not active`);
      if (existsSync(dest)) throw new QueueStateError(`${kind} ${id} already exists at destination`);
      await mkdir(f[to], { recursive: true });
      await rename(from, dest);
    },
    async requeue(kind, id, reason, now) {
      const f = folders(paths, kind);
      const from = join(f.active, `${id}.md`);
      const dest = join(f.queue, `${id}.md`);
      if (!existsSync(from)) throw new QueueStateError(`${kind} ${id} is not active`);
      if (existsSync(dest)) throw new QueueStateError(`${kind} ${id} already exists at destination`);
      await appendFile(join(f.queue, `${id}.requeue.jsonl`), `${JSON.stringify({ at: now.toISOString(), kind, reason: reason.trim() })}\n`);
      await rename(from, dest);
    },
    async listActive() {
      const out: QueuedItem[] = [];
      for (const kind of ['task', 'spec', 'incident'] as const) {
        const dir = folders(paths, kind).active;
        for (const name of await mdFiles(dir)) out.push({ kind, id: name.slice(0, -3), path: join(dir, name) });
      }
      return out;
    },
    async locate(kind, id) {
      const f = folders(paths, kind);
      for (const loc of ['active', 'queue', 'done', 'blocked'] as const) {
        if (await stat(join(f[loc], `${id}.md`)).then(() => true, () => false)) return loc;
      }
      return null;
    },
    activePath: (kind, id) => join(folders(paths, kind).active, `${id}.md`),
    async readLineage(kind, id) {
      const f = folders(paths, kind);
      for (const loc of ['active', 'queue', 'blocked', 'done'] as const) {
        const path = join(f[loc], `${id}.md`);
        if (!existsSync(path)) continue;
        try {
          const d = await readDoc(path);
          const lineage: WorkItemLineage = {
            root_idea_id: str(d.root_idea_id),
            root_spec_id: str(d.root_spec_id),
            spec_id: str(d.spec_id),
            source_task_id: str(d.source_task_id),
            source_spec_id: str(d.source_spec_id),
          };
          return lineage;
        } catch {
          return null;
        }
      }
      return null;
    },
    async enqueueIncident(incident: HandoffIncident) {
      const f = folders(paths, 'incident');
      for (const loc of ['queue', 'active', 'done', 'blocked'] as const) {
        if (existsSync(join(f[loc], `${incident.incident_id}.md`))) throw new QueueStateError(`incident ${incident.incident_id} already exists`);
      }
      const data = Object.fromEntries(Object.entries(incident).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
      const path = join(f.queue, `${incident.incident_id}.md`);
      await mkdir(f.queue, { recursive: true });
      const tmp = `${path}.tmp`;
      await writeFile(tmp, matter.stringify(`# ${incident.title}\n\n${incident.summary}\n`, data), 'utf8');
      await rename(tmp, path);
      return path;
    },
    async depths() {
      return {
        execution: (await mdFiles(paths.tasks.queue)).length,
        planning: (await mdFiles(paths.specs.queue)).length + (await mdFiles(paths.incidents.incoming)).length,
        learning: (await mdFiles(join(paths.runtimeRoot, 'learning', 'requests', 'queue'))).length,
      };
    },
  };
  return port;
}
