import type { MailboxEnvelope } from '../../contracts/mailbox.js';
import { formatProblem, validateWorkDocumentJson } from '../../workspace/documents/index.js';
import { enqueueWorkItem, ideaNameProblem, writeNewIdea } from '../../workspace/queue/index.js';
import { toWorkspaceRelative } from '../../workspace/arbiter/index.js';
import type { TickStepContext } from '../tick-steps.js';

type IntakeEnvelope = Extract<MailboxEnvelope, { command: 'add_task' | 'add_spec' | 'add_idea' }>;

/** add_task / add_spec / add_idea sent to a live daemon (runtime.md §5.1). Throws to archive the command as failed. */
export async function applyMailboxIntake(ctx: TickStepContext, envelope: IntakeEnvelope): Promise<Record<string, unknown>> {
  if (envelope.command === 'add_idea') {
    const { source_name: name, markdown } = envelope.payload;
    const problem = ideaNameProblem(name);
    if (problem) throw new Error(`source_name: ${problem}`);
    if (markdown.trim() === '') throw new Error('markdown: must not be blank');
    const { created, path } = await writeNewIdea(ctx.paths, name, markdown);
    if (!created) throw new Error(`idea document already exists: ${path}`);
    await ctx.refreshQueueDepths();
    await ctx.saveSnapshot();
    await ctx.appendEvent('mailbox_add_idea_applied', { source_name: name, path: toWorkspaceRelative(ctx.paths, path) });
    return { path };
  }
  const kind = envelope.command === 'add_task' ? 'task' : 'spec';
  const validation = validateWorkDocumentJson(kind, JSON.stringify(envelope.payload.document), `mailbox ${envelope.command_id}`, { intake: { now: ctx.now(), actor: envelope.issuer } });
  if (!validation.ok) throw new Error(validation.problems.map(formatProblem).join('; '));
  const location = await enqueueWorkItem(ctx.paths, { ...validation.document, body: envelope.payload.body ?? '' });
  await ctx.refreshQueueDepths();
  await ctx.saveSnapshot();
  await ctx.appendEvent(`mailbox_add_${kind}_applied`, { [`${kind}_id`]: location.id, path: toWorkspaceRelative(ctx.paths, location.path) });
  return { path: location.path };
}
