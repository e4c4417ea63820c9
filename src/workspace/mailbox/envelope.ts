import { randomBytes } from 'node:crypto';
import type { MailboxCommandName, MailboxEnvelope, MailboxEnvelopeOf } from '../../contracts/mailbox.js';

/** `<command>-<epoch ms>-<8 hex>`, the id the CLI gives the commands it enqueues. */
export function newMailboxCommandId(command: MailboxCommandName, now: Date): string {
  return `${command}-${now.getTime()}-${randomBytes(4).toString('hex')}`;
}

export function buildMailboxEnvelope<C extends MailboxCommandName>(command: C, payload: MailboxEnvelopeOf<C>['payload'], now: Date, issuer = 'operator'): MailboxEnvelope {
  return {
    schema_version: '1.0',
    kind: 'mailbox_command',
    command_id: newMailboxCommandId(command, now),
    command,
    issued_at: now.toISOString(),
    issuer,
    payload,
  } as MailboxEnvelope;
}
