import { mkdir, stat } from 'node:fs/promises';
import { readBoundedBytesSync } from '../../workspace/bounded-read.js';
import { basename } from 'node:path';
import { SpecDocumentSchema, type SpecWorkDocument } from '../../contracts/documents.js';
import { WatchersConfigSchema } from '../../contracts/config.js';
import { toWorkspaceRelative } from '../../workspace/arbiter/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { enqueueWorkItem, listQueue } from '../../workspace/queue/index.js';
import type { IntakeStep, TickStepContext } from '../tick-steps.js';
import { listInboxIdeas, openIdeaWatcher, type IdeaWatcher } from './idea-watcher.js';
import { ideaAlreadyRepresented, normalizeIdea } from './normalize-idea.js';

export type IdeaIntakeOptions = {
  /** Wake a sleeping daemon when an idea lands. */
  onIdea?: () => void;
  /** Force the polling watcher (also `MILLRACE_WATCH_POLL=1`). */
  forcePolling?: boolean;
  /** Watch the inbox after the first read (default true); a one-tick runtime (`run once`) only reads it. */
  watch?: boolean;
};

export type IdeaIntake = { step: IntakeStep; close(): Promise<void> };

async function existingSpecs(paths: WorkspacePaths) {
  const { items } = await listQueue(paths, { spec: ['queue', 'active', 'done', 'blocked'] });
  return items.flatMap((i) => (i.document.kind === 'spec' ? [{ spec_id: i.document.fields.spec_id, root_idea_id: i.document.fields.root_idea_id ?? null, references: i.document.fields.references }] : []));
}

/** Turn one inbox file into a root spec in `specs/queue/` unless a spec already represents it (runtime.md §5.2). */
export async function normalizeInboxIdea(ctx: TickStepContext, ideaPath: string): Promise<'normalized' | 'skipped' | 'ignored'> {
  const info = await stat(ideaPath).catch(() => null);
  if (!info?.isFile()) return 'ignored';
  let markdown: string;
  try {
    // Bounded and non-blocking: an idea over the 1 MiB limit (or swapped for a FIFO) is left in the inbox, unread.
    const read = readBoundedBytesSync(ideaPath, 'idea document');
    if (read === undefined) return 'ignored';
    markdown = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    return 'ignored';
  }
  const reference = toWorkspaceRelative(ctx.paths, ideaPath);
  const fields = normalizeIdea({ fileName: basename(ideaPath), markdown, reference, now: ctx.now().toISOString() });
  if (ideaAlreadyRepresented(fields.spec_id, reference, await existingSpecs(ctx.paths))) {
    await ctx.appendEvent('idea_normalization_skipped', { idea_path: ideaPath, spec_id: fields.spec_id, reason: 'already_represented' });
    return 'skipped';
  }
  const document: SpecWorkDocument = { kind: 'spec', fields: SpecDocumentSchema.parse(fields), body: markdown.trim(), format: 'front_matter' };
  try {
    await enqueueWorkItem(ctx.paths, document);
  } catch (error) {
    await ctx.appendEvent('idea_normalization_skipped', { idea_path: ideaPath, spec_id: fields.spec_id, reason: (error as Error).message });
    return 'skipped';
  }
  await ctx.appendEvent('idea_normalized_to_spec', { idea_path: ideaPath, spec_id: fields.spec_id });
  return 'normalized';
}

/**
 * Tick step 2. The first tick reads the inboxes (ideas already there when the runtime starts) and starts their watchers
 * without waiting for them: the first stage does not wait for the watch to be ready. Later ticks take what the
 * watchers reported; `snapshot.watcher_mode` says how they watch from then on. The watchers live until `close()`.
 * With `watchers.enabled` or `watchers.watch_ideas_inbox` off, inbox ideas are never picked up.
 */
export function createIdeaIntake(options: IdeaIntakeOptions = {}): IdeaIntake {
  let started = false;
  let opening: Promise<IdeaWatcher[]> | null = null;
  let watchers: IdeaWatcher[] | null = null;
  let disabled = false;
  const step: IntakeStep = async (ctx) => {
    if (disabled) return;
    let changed: string[];
    if (!started) {
      const parsed = WatchersConfigSchema.safeParse((ctx.config as { watchers?: unknown } | null)?.watchers ?? {});
      const config = parsed.success ? parsed.data : WatchersConfigSchema.parse({});
      if (!config.enabled || !config.watch_ideas_inbox) {
        disabled = true;
        ctx.state.snapshot = { ...ctx.state.snapshot, watcher_mode: 'off' };
        return;
      }
      await mkdir(ctx.paths.ideasInbox, { recursive: true });
      const inboxes = [ctx.paths.ideasInbox];
      // The inbox used to be <workspace>/ideas/inbox (the reference's place): when that folder exists, it is read too.
      if ((await stat(ctx.paths.legacyIdeasInbox).catch(() => null))?.isDirectory()) {
        inboxes.push(ctx.paths.legacyIdeasInbox);
        await ctx.appendEvent('ideas_inbox_legacy_read', { path: toWorkspaceRelative(ctx.paths, ctx.paths.legacyIdeasInbox), inbox: toWorkspaceRelative(ctx.paths, ctx.paths.ideasInbox) });
      }
      started = true;
      changed = (await Promise.all(inboxes.map((inbox) => listInboxIdeas(inbox)))).flat();
      if (options.watch !== false) {
        // The watchers report every change after the read above (chokidar's first scan sees what arrived since).
        const watchOptions = { debounceMs: config.debounce_ms, forcePolling: options.forcePolling ?? process.env.MILLRACE_WATCH_POLL === '1', onIdea: options.onIdea, reportExisting: false };
        opening = Promise.all(inboxes.map((inbox) => openIdeaWatcher(inbox, watchOptions)));
        // A failure to watch surfaces on the next tick (awaited there); never as an unhandled rejection.
        opening.catch(() => undefined);
      }
    } else {
      if (!watchers && opening) {
        watchers = await opening;
        const mode = watchers.some((w) => w.mode === 'poll') ? 'poll' : 'watch';
        if (ctx.state.snapshot.watcher_mode !== mode) ctx.state.snapshot = { ...ctx.state.snapshot, watcher_mode: mode };
      }
      changed = (watchers ?? []).flatMap((w) => w.take());
    }
    for (const path of changed) await normalizeInboxIdea(ctx, path);
    if (changed.length > 0) {
      await ctx.saveSnapshot();
      await ctx.appendEvent('watcher_events_consumed', { count: changed.length });
    }
  };
  return {
    step,
    async close() {
      const open = watchers ?? (await opening?.catch(() => null)) ?? [];
      for (const w of open) await w.close();
      watchers = null;
      opening = null;
    },
  };
}
