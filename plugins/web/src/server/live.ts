import type { FSWatcher } from 'chokidar';
import { statSync, watch as watchFolderRaw, type FSWatcher as FolderWatcher } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { HostWatchTargets } from '@millrace/plugin-api';

/** What changed in one workspace, as the SSE `change` event carries it. */
export type ChangeTopic = 'state' | 'queue' | 'runs' | 'events';
export type ChangeNotice = { workspace: number; topics: ChangeTopic[] };
type Listener = (notice: ChangeNotice) => void;

export type LiveOptions = {
  /** Quiet time before a burst of file events becomes one notice. */
  debounceMs: number;
  /** Poll instead of watching (also the fallback when the watcher fails, e.g. out of inotify watches). */
  poll: boolean;
  pollIntervalMs: number;
};

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Notice any entry of one folder being added, removed, renamed or written. */
const watchFolder = (path: string, onEntry: (name: string) => void): FolderWatcher =>
  watchFolderRaw(path, { persistent: true }, (_event, name) => onEntry(name === null ? '' : String(name)));

export type LiveTarget = { workspace: number; watch: HostWatchTargets };

const TOPICS: ChangeTopic[] = ['state', 'queue', 'runs', 'events'];

/** The topic of the watched root a path lies in (the longest matching root wins). */
function topicOf(target: LiveTarget, path: string): ChangeTopic {
  let best: { topic: ChangeTopic; length: number } = { topic: 'state', length: -1 };
  for (const topic of TOPICS) {
    for (const root of target.watch.paths[topic]) {
      if ((path === root || path.startsWith(`${root}${sep}`)) && root.length > best.length) best = { topic, length: root.length };
    }
  }
  return best.topic;
}

const allPaths = (target: LiveTarget) => TOPICS.flatMap((t) => target.watch.paths[t]);

/**
 * File watching of each workspace's state, queue folders, runs and events log (fs.watch per flat folder, chokidar for
 * the run directories), turned into debounced change notices for the SSE stream. Nothing runs between changes: no
 * timers while idle unless polling.
 */
export class LiveChanges {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<number, Set<ChangeTopic>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly watchers: FSWatcher[] = [];
  private readonly folderWatchers: FolderWatcher[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;
  mode: 'watch' | 'poll' = 'watch';

  constructor(
    private readonly targets: LiveTarget[],
    private readonly options: LiveOptions,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.options.poll) return this.startPolling();
    try {
      const { watch } = await import('chokidar');
      for (const target of this.targets) {
        const ignored = new Set(target.watch.ignoredFiles);
        const skip = (path: string) => ignored.has(path) || basename(path).startsWith('.'); // temp files of atomic writes
        // Flat folders (state, queue folders, logs) can hold tens of thousands of files: one fs.watch per folder, no
        // per-file bookkeeping (chokidar stats and tracks every file, and in a 10,000-file folder missed additions).
        for (const topic of ['state', 'queue', 'events'] as const) {
          for (const path of target.watch.paths[topic]) {
            if (!isDirectory(path)) continue;
            const watcher = watchFolder(path, (name) => {
              if (!skip(join(path, name))) this.note(target.workspace, topic);
            });
            watcher.on('error', () => void this.fallBackToPolling());
            this.folderWatchers.push(watcher);
          }
        }
        // Run directories: new runs and the files inside them (stdout growing while a stage runs).
        const runs = watch(target.watch.paths.runs, { ignoreInitial: true, depth: 2, ignored: skip });
        runs.on('all', () => this.note(target.workspace, 'runs'));
        runs.on('error', () => void this.fallBackToPolling());
        this.watchers.push(runs);
        await new Promise<void>((resolve) => runs.once('ready', () => resolve()));
      }
    } catch {
      await this.fallBackToPolling();
    }
  }

  private async fallBackToPolling(): Promise<void> {
    if (this.mode === 'poll' || this.closed) return;
    for (const w of this.folderWatchers.splice(0)) w.close();
    await Promise.all(this.watchers.splice(0).map((w) => w.close()));
    this.startPolling();
  }

  /** Compare the modification times of the watched folders (entries added, removed, renamed) and files (appends). */
  private startPolling(): void {
    this.mode = 'poll';
    const signature = (path: string) => {
      try {
        return statSync(path).mtimeMs;
      } catch {
        return -1;
      }
    };
    const last = new Map<string, number>();
    const scan = (announce: boolean) => {
      for (const target of this.targets) {
        for (const path of allPaths(target)) {
          const now = signature(path);
          if (announce && last.get(path) !== now) this.note(target.workspace, topicOf(target, path));
          last.set(path, now);
        }
      }
    };
    scan(false);
    this.pollTimer = setInterval(() => scan(true), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  private note(workspace: number, topic: ChangeTopic): void {
    if (this.closed) return;
    const topics = this.pending.get(workspace) ?? new Set<ChangeTopic>();
    topics.add(topic);
    this.pending.set(workspace, topics);
    if (this.timers.has(workspace)) return;
    this.timers.set(
      workspace,
      setTimeout(() => {
        this.timers.delete(workspace);
        const notice: ChangeNotice = { workspace, topics: [...(this.pending.get(workspace) ?? [])].sort() };
        this.pending.delete(workspace);
        for (const listener of this.listeners) listener(notice);
      }, this.options.debounceMs),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const w of this.folderWatchers.splice(0)) w.close();
    await Promise.all(this.watchers.splice(0).map((w) => w.close()));
  }
}
