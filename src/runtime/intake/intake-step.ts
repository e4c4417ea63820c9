import { mkdir, stat } from 'node:fs/promises';
import { readBoundedBytesSync } from '../../workspace/bounded-read.js';
import { basename } from 'node:path';
import { SpecDocumentSchema, type SpecWorkDocument } from '../../contracts/documents.js';
import { WatchersConfigSchema } from '../../contracts/config.js';
import { toWorkspaceRelative } from '../../workspace/arbiter/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { enqueueWorkItem, listQueue } from '../../workspace/queue/index.js';
import type { IntakeStep, TickStepContext } from '../tick-steps.js';
import { openIdeaWatcher, type IdeaWatcher } from './idea-watcher.js';
import { ideaAlreadyRepresented, normalizeIdea } from './normalize-idea.js';

export type IdeaIntakeOptions = {
  /** Wake a sleeping daemon when an idea lands. */
  onIdea?: () => void;
  /** Force the polling watcher (also `MILLRACE_WATCH_POLL=1`). */
  forcePolling?: boolean;
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
 * Tick step 2. The watcher session opens on the first tick (reporting ideas already in the inbox) and lives until
 * `close()`. With `watchers.enabled` or `watchers.watch_ideas_inbox` off, inbox ideas are never picked up.
 */
export function createIdeaIntake(options: IdeaIntakeOptions = {}): IdeaIntake {
  let watchers: IdeaWatcher[] | null = null;
  let disabled = false;
  const step: IntakeStep = async (ctx) => {
    if (disabled) return;
    if (!watchers) {
      const parsed = WatchersConfigSchema.safeParse((ctx.config as { watchers?: unknown } | null)?.watchers ?? {});
      const config = parsed.success ? parsed.data : WatchersConfigSchema.parse({});
      if (!config.enabled || !config.watch_ideas_inbox) {
        disabled = true;
        ctx.state.snapshot = { ...ctx.state.snapshot, watcher_mode: 'off' };
        return;
      }
      await mkdir(ctx.paths.ideasInbox, { recursive: true });
      const watchOptions = { debounceMs: config.debounce_ms, forcePolling: options.forcePolling ?? process.env.MILLRACE_WATCH_POLL === '1', onIdea: options.onIdea };
      const opened = [await openIdeaWatcher(ctx.paths.ideasInbox, watchOptions)];
      // The inbox used to be <workspace>/ideas/inbox (the reference's place): when that folder exists, it is read too.
      if ((await stat(ctx.paths.legacyIdeasInbox).catch(() => null))?.isDirectory()) {
        opened.push(await openIdeaWatcher(ctx.paths.legacyIdeasInbox, watchOptions));
        await ctx.appendEvent('ideas_inbox_legacy_read', { path: toWorkspaceRelative(ctx.paths, ctx.paths.legacyIdeasInbox), inbox: toWorkspaceRelative(ctx.paths, ctx.paths.ideasInbox) });
      }
      watchers = opened;
      ctx.state.snapshot = { ...ctx.state.snapshot, watcher_mode: opened.some((w) => w.mode === 'poll') ? 'poll' : 'watch' };
    }
    const changed = watchers.flatMap((w) => w.take());
    for (const path of changed) await normalizeInboxIdea(ctx, path);
    if (changed.length > 0) {
      await ctx.saveSnapshot();
      await ctx.appendEvent('watcher_events_consumed', { count: changed.length });
    }
  };
  return {
    step,
    async close() {
      for (const w of watchers ?? []) await w.close();
      watchers = null;
    },
  };
}
