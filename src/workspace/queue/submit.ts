import { workDocumentId, type WorkDocument } from '../../contracts/documents.js';
import { MillraceError } from '../../errors/index.js';
import { basename } from 'node:path';
import type { IntakeDefaults } from '../documents/index.js';
import { buildMailboxEnvelope, writeMailboxCommand } from '../mailbox/index.js';
import type { WorkspacePaths } from '../paths.js';
import { inspectLock } from '../state/lock.js';
import { findWorkItemFiles } from './locate.js';
import { importIdea, readIdeaFile, readImportDocument, type ImportKind } from './intake.js';
import { enqueueWorkItem, duplicateError } from './enqueue.js';

/** What `queue add-*` did: written straight into the queue, or handed to the running daemon's mailbox. */
export type SubmitOutcome =
  | { mode: 'direct'; path: string; id: string | null }
  | { mode: 'mailbox'; action: 'add_task' | 'add_spec' | 'add_idea'; applied: false; detail: string; command_id: string; mailbox_path: string };

const QUEUED = 'queued for daemon processing';

/**
 * `queue add-task|add-spec`: validate first (an invalid document is refused, nothing written), then route
 * (control-and-inspection.md §1): while a daemon holds the workspace lock the document goes to its mailbox as
 * its fields and body (the daemon enqueues it on its next tick, rendered exactly as a direct add would be); otherwise it is enqueued directly.
 */
export async function submitWorkDocument(paths: WorkspacePaths, kind: ImportKind, file: string, intake: IntakeDefaults): Promise<SubmitOutcome> {
  return submitParsedDocument(paths, await readImportDocument(kind, file, intake), intake);
}

/**
 * The routing of `submitWorkDocument` for a document already validated (`queue new --write`). The mailbox has no
 * command for incidents, so an incident is refused while a daemon owns the workspace.
 */
export async function submitParsedDocument(paths: WorkspacePaths, doc: WorkDocument, intake: IntakeDefaults): Promise<SubmitOutcome> {
  if ((await inspectLock(paths)).state === 'active') {
    const [existing] = await findWorkItemFiles(paths, workDocumentId(doc));
    if (existing) throw duplicateError(paths, doc, existing.path);
    if (doc.kind === 'incident') {
      throw new MillraceError('LOCK_HELD', 'a running daemon owns the workspace, and its mailbox takes tasks, specs and ideas, not incidents', {
        hint: 'print the skeleton without --write and add it once the daemon has stopped, or file the problem as a task or spec',
      });
    }
    const action = doc.kind === 'task' ? 'add_task' : 'add_spec';
    const envelope = buildMailboxEnvelope(action, { document: { ...doc.fields }, body: doc.body }, intake.now, intake.actor);
    return { mode: 'mailbox', action, applied: false, detail: QUEUED, command_id: envelope.command_id, mailbox_path: await writeMailboxCommand(paths, envelope) };
  }
  const location = await enqueueWorkItem(paths, doc);
  return { mode: 'direct', path: location.path, id: location.id };
}

/** `queue add-idea`: the same routing for an idea file. */
export async function submitIdea(paths: WorkspacePaths, file: string, intake: IntakeDefaults): Promise<SubmitOutcome> {
  if ((await inspectLock(paths)).state === 'active') {
    const markdown = await readIdeaFile(file);
    const envelope = buildMailboxEnvelope('add_idea', { source_name: basename(file), markdown }, intake.now, intake.actor);
    return { mode: 'mailbox', action: 'add_idea', applied: false, detail: QUEUED, command_id: envelope.command_id, mailbox_path: await writeMailboxCommand(paths, envelope) };
  }
  const { path } = await importIdea(paths, file);
  return { mode: 'direct', path, id: null };
}
