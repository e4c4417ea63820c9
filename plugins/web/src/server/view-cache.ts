import type { HostViews } from '@millrace/plugin-api';
import type { ChangeNotice, ChangeTopic } from './live.js';

type Entry = { value: Promise<unknown>; at: number; topics: ChangeTopic[] };

/**
 * Results of the host's views per workspace, kept until a change notice of a topic they read arrives (or `maxAgeMs`
 * passes, for what no watched file announces: a daemon that died, an edited config). Concurrent requests share one
 * computation. This is what keeps the overview fast over a large queue while nothing changes.
 */
export class ViewCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxAgeMs: number) {}

  get<T>(workspace: number, key: string, topics: ChangeTopic[], compute: () => Promise<T>): Promise<T> {
    const id = `${workspace}\u0000${key}`;
    const entry = this.entries.get(id);
    if (entry && Date.now() - entry.at < this.maxAgeMs) return entry.value as Promise<T>;
    const value = compute();
    const fresh: Entry = { value, at: Date.now(), topics };
    this.entries.set(id, fresh);
    value.catch(() => {
      if (this.entries.get(id) === fresh) this.entries.delete(id); // never keep a failure
    });
    return value;
  }

  invalidate(notice: ChangeNotice): void {
    const prefix = `${notice.workspace}\u0000`;
    for (const [id, entry] of this.entries) {
      if (id.startsWith(prefix) && entry.topics.some((t) => notice.topics.includes(t))) this.entries.delete(id);
    }
  }
}

export type CachedWorkspace = { index: number; root: string };

/** The views the pages read most, cached until a file they depend on changes; the rest go straight to the host. */
export function cachedViews(host: HostViews, cache: ViewCache) {
  return {
    status: (ws: CachedWorkspace) => cache.get(ws.index, 'status', ['state', 'queue'], () => host.status(ws.root)),
    queueBoard: (ws: CachedWorkspace, limit: number) => cache.get(ws.index, `queues:${limit}`, ['queue'], () => host.queueBoard(ws.root, limit)),
    // A run's `running` and its token totals come from the snapshot and the usage ledger, both in state/.
    runs: (ws: CachedWorkspace, limit: number) => cache.get(ws.index, `runs:${limit}`, ['runs', 'state'], () => host.runs(ws.root, limit)),
    // The usage ledger lives in state/.
    usage: (ws: CachedWorkspace) => cache.get(ws.index, 'usage', ['state'], () => host.usage(ws.root)),
  };
}
