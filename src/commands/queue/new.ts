import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { mailboxOutcomeLines } from '../../cli/queue-text.js';
import { WORK_DOCUMENT_KINDS, type WorkDocumentKind } from '../../contracts/documents.js';
import { parseWorkDocument, workDocumentSkeleton } from '../../workspace/documents/index.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { submitParsedDocument, type SubmitOutcome } from '../../workspace/queue/index.js';

export type QueueNewPrintResult = { kind: WorkDocumentKind; id: string; text: string };
export type QueueNewWriteResult = { kind: WorkDocumentKind; id: string; mode: 'direct'; path: string };
export type QueueNewMailboxResult = { kind: WorkDocumentKind; id: string } & Extract<SubmitOutcome, { mode: 'mailbox' }>;
export type QueueNewResult = QueueNewPrintResult | QueueNewWriteResult | QueueNewMailboxResult;

const FOLDER: Record<WorkDocumentKind, string> = { task: 'tasks/queue', spec: 'specs/queue', incident: 'incidents/incoming' };

export default class QueueNew extends BaseCommand {
  static override summary = 'Print a valid skeleton of a new task, spec or incident (or add it to the queue with --write).';
  static override description =
    'The skeleton has every required field filled with a TODO placeholder that passes validation, the optional fields as comments, and body sections: save it, edit it, then `queue add-task` / `add-spec` it. With --write it is added at once through the same path as `queue add-task` (validated, written atomically into tasks/queue, specs/queue or incidents/incoming; sent to the mailbox while a daemon runs, which takes tasks and specs only). The id is <kind>-<yyyymmdd>-<hhmmss>-<title slug> unless --id gives one; created_at/created_by (opened_at/opened_by) are the time it was made and `operator`, so the text is also a valid document when saved straight into a queue folder.';
  static override enableJsonFlag = true;
  static override args = { kind: Args.string({ description: 'What to create.', options: [...WORK_DOCUMENT_KINDS], required: true }) };
  static override flags = {
    title: Flags.string({ summary: 'Title of the document (also names the id).' }),
    id: Flags.string({ summary: 'Use this id instead of a generated one.' }),
    write: Flags.boolean({ summary: 'Add the skeleton to the queue instead of printing it.', default: false }),
  };
  static override examples = [
    '<%= config.bin %> queue new task --title "Add login form" > task.md',
    '<%= config.bin %> queue new spec --title "Auth" --write',
    '<%= config.bin %> queue new incident --json',
  ];

  async run(): Promise<QueueNewResult> {
    const { args, flags } = await this.parse(QueueNew);
    const kind = args.kind as WorkDocumentKind;
    const now = new Date();
    const { id, text } = workDocumentSkeleton(kind, { title: flags.title, id: flags.id, now });
    const intake = { now, actor: 'operator' };
    // The same validation as `queue add-*` (and as a queue scan: no intake defaults needed): a bad --title or --id is
    // refused here, and nothing is printed or written.
    const doc = parseWorkDocument(kind, text, `${FOLDER[kind]}/${id}.md`);
    if (!flags.write) {
      this.writeText(text);
      return { kind, id, text };
    }
    const outcome = await submitParsedDocument(requireInitializedWorkspace(flags.workspace), doc, intake);
    if (outcome.mode === 'mailbox') {
      if (!this.jsonEnabled()) for (const line of mailboxOutcomeLines(outcome)) this.log(line);
      return { kind, id, ...outcome };
    }
    if (!this.jsonEnabled()) this.log(`enqueued_${kind}: ${outcome.path}`);
    return { kind, id, mode: 'direct', path: outcome.path };
  }
}
