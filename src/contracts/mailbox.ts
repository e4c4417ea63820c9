import * as z from '@millrace/plugin-api/zod';
import { PlaneSchema } from '@millrace/plugin-api';
import { MAX_ID_LENGTH } from './input-limits.js';

/** Commands a running daemon accepts through `state/mailbox/incoming/` (control-and-inspection.md §3). */
export const MAILBOX_COMMANDS = ['stop', 'pause', 'resume', 'reload_config', 'add_task', 'add_spec', 'add_idea', 'retry_active', 'clear_stale_state'] as const;
export const MailboxCommandNameSchema = z.enum(MAILBOX_COMMANDS);
export type MailboxCommandName = z.infer<typeof MailboxCommandNameSchema>;

const EmptyPayload = z.strictObject({});

const envelopeBase = {
  schema_version: z.literal('1.0'),
  kind: z.literal('mailbox_command'),
  command_id: z.string().min(1).max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  issued_at: z.iso.datetime({ offset: true }),
  issuer: z.string().min(1),
};

export const RetryActivePayloadSchema = z.strictObject({ reason: z.string(), scope: PlaneSchema.optional(), item: z.string().min(1).optional() });
/** `force`: lift a usage governance pause too (`resume --force`). */
export const ResumePayloadSchema = z.strictObject({ force: z.boolean().optional() });
export const ReasonPayloadSchema = z.strictObject({ reason: z.string() });
/**
 * The whole document: its fields (validated by the queue's own schema when the command is applied) and its markdown
 * body, so a document added while a daemon runs is stored exactly as it would be with no daemon.
 */
export const DocumentPayloadSchema = z.strictObject({ document: z.record(z.string(), z.unknown()), body: z.string().optional() });
export const AddIdeaPayloadSchema = z.strictObject({ source_name: z.string().min(1), markdown: z.string().min(1) });

export const MailboxEnvelopeSchema = z.discriminatedUnion('command', [
  z.strictObject({ ...envelopeBase, command: z.literal('stop'), payload: EmptyPayload }),
  z.strictObject({ ...envelopeBase, command: z.literal('pause'), payload: EmptyPayload }),
  z.strictObject({ ...envelopeBase, command: z.literal('resume'), payload: ResumePayloadSchema }),
  z.strictObject({ ...envelopeBase, command: z.literal('reload_config'), payload: EmptyPayload }),
  z.strictObject({ ...envelopeBase, command: z.literal('retry_active'), payload: RetryActivePayloadSchema }),
  z.strictObject({ ...envelopeBase, command: z.literal('clear_stale_state'), payload: ReasonPayloadSchema }),
  z.strictObject({ ...envelopeBase, command: z.literal('add_task'), payload: DocumentPayloadSchema }),
  z.strictObject({ ...envelopeBase, command: z.literal('add_spec'), payload: DocumentPayloadSchema }),
  z.strictObject({ ...envelopeBase, command: z.literal('add_idea'), payload: AddIdeaPayloadSchema }),
]);
export type MailboxEnvelope = z.infer<typeof MailboxEnvelopeSchema>;
export type MailboxEnvelopeOf<C extends MailboxCommandName> = Extract<MailboxEnvelope, { command: C }>;

/** What the drain leaves in `processed/` or `failed/` for every command it consumed. */
export const MailboxArchiveSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('mailbox_archive'),
  disposition: z.enum(['processed', 'failed']),
  archived_at: z.iso.datetime({ offset: true }),
  envelope: MailboxEnvelopeSchema.optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
  raw_payload: z.string().optional(),
});
export type MailboxArchive = z.infer<typeof MailboxArchiveSchema>;

/** Why an envelope was moved to `failed/`: the sidecar `<file>.reason.json` next to the unchanged envelope. */
export const MailboxFailureReasonSchema = z.enum(['not_a_regular_file', 'unreadable', 'too_large', 'invalid', 'apply_failed', 'interrupted_while_applying']);
export type MailboxFailureReason = z.infer<typeof MailboxFailureReasonSchema>;

export const MailboxFailureSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('mailbox_failure'),
  disposition: z.literal('failed'),
  failed_at: z.iso.datetime({ offset: true }),
  /** The envelope as it is now in `failed/` (renamed, never rewritten). */
  envelope_file: z.string().min(1),
  reason: MailboxFailureReasonSchema,
  error: z.string(),
  command: z.string().nullable(),
  command_id: z.string().nullable(),
});
export type MailboxFailure = z.infer<typeof MailboxFailureSchema>;

/** `state/mailbox/applying.json`: the envelope being applied, so one that kills the daemon is not retried forever. */
export const MailboxApplyingSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('mailbox_applying'),
  file: z.string().min(1),
  attempts: z.number().int().min(1),
});
export type MailboxApplying = z.infer<typeof MailboxApplyingSchema>;
