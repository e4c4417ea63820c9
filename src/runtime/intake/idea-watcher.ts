import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

export type WatcherMode = 'watch' | 'poll' | 'off';

export type IdeaWatcherOptions = {
  /** Quiet period a file must keep before it is reported (config `watchers.debounce_ms`). */
  debounceMs: number;
  /** Force polling (network filesystems, containers without inotify). */
  forcePolling?: boolean;
  /** Called when a new idea is ready, so a sleeping daemon can wake early. */
  onIdea?: () => void;
  /** Report the ideas already in the inbox once the watch is ready (default true); false when the caller read them. */
  reportExisting?: boolean;
};

/**
 * Watches `ideas/inbox/*.md` with chokidar (debounced through `awaitWriteFinish`), falling back to
 * polling when native watching fails. Files present at start are reported too (documents.md §10).
 * `take()` hands out each changed path once; the runtime decides whether it is new.
 */
export type IdeaWatcher = {
  readonly mode: Exclude<WatcherMode, 'off'>;
  take(): string[];
  close(): Promise<void>;
};

type ChokidarWatcher = { on(event: string, cb: (...args: unknown[]) => void): ChokidarWatcher; close(): Promise<void> };

const isIdea = (path: string) => path.toLowerCase().endsWith('.md') && !basename(path).startsWith('.');

/** The ideas in an inbox now (sorted paths; a missing inbox has none). */
export async function listInboxIdeas(inbox: string): Promise<string[]> {
  return (await readdir(inbox).catch(() => [] as string[])).sort().flatMap((name) => (isIdea(name) ? [join(inbox, name)] : []));
}

export async function openIdeaWatcher(inbox: string, options: IdeaWatcherOptions): Promise<IdeaWatcher> {
  const { watch } = await import('chokidar');
  const pending = new Set<string>();
  let mode: 'watch' | 'poll' = options.forcePolling ? 'poll' : 'watch';
  let watcher: ChokidarWatcher | null = null;

  const start = (usePolling: boolean) =>
    new Promise<ChokidarWatcher>((resolveReady, rejectReady) => {
      let ready = false;
      const w = watch(inbox, {
        persistent: false,
        ignoreInitial: false,
        depth: 0,
        usePolling,
        interval: Math.max(50, Math.min(options.debounceMs, 1000)),
        awaitWriteFinish: { stabilityThreshold: options.debounceMs, pollInterval: Math.max(10, Math.floor(options.debounceMs / 4)) },
      }) as unknown as ChokidarWatcher;
      const onFile = (path: unknown) => {
        if (typeof path === 'string' && isIdea(path)) {
          pending.add(path);
          if (ready) options.onIdea?.();
        }
      };
      w.on('add', onFile).on('change', onFile);
      w.on('unlink', (path: unknown) => typeof path === 'string' && pending.delete(path));
      w.on('ready', () => {
        ready = true;
        resolveReady(w);
      });
      w.on('error', (error: unknown) => {
        if (!ready) rejectReady(error);
      });
    });

  try {
    watcher = await start(mode === 'poll');
  } catch {
    mode = 'poll';
    watcher = await start(true);
  }
  // chokidar reports pre-existing files only once stable; include them now so the first tick sees them.
  if (options.reportExisting !== false) for (const path of await listInboxIdeas(inbox)) pending.add(path);

  return {
    get mode() {
      return mode;
    },
    take() {
      const paths = [...pending].sort();
      pending.clear();
      return paths;
    },
    async close() {
      await watcher?.close();
      watcher = null;
    },
  };
}
