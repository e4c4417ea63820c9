import { MailboxEnvelopeSchema, type MailboxEnvelope } from '../../contracts/mailbox.js';
import { INPUT_SIZE_LIMITS, MAX_NESTING_DEPTH, sizeLimitMessage, textNestingTooDeep, treeProblem, weightBudgetFor } from '../../contracts/input-limits.js';
import { errorFromIssues, MillraceError } from '../../errors/index.js';
import { readBoundedTextSync } from '../bounded-read.js';

const refuse = (file: string, field: string, message: string) =>
  new MillraceError('ENVELOPE_INVALID', `${file}: ${field}: ${message}`, { file, field });

/**
 * Parse and validate one mailbox envelope's text within the limits (size, nesting depth, prototype keys, schema).
 * Throws one ENVELOPE_INVALID line naming the file and the field.
 */
export function parseEnvelopeText(text: string, file: string): MailboxEnvelope {
  const limit = INPUT_SIZE_LIMITS['mailbox envelope'];
  if (text.length * 3 > limit && Buffer.byteLength(text, 'utf8') > limit) throw refuse(file, '(file)', sizeLimitMessage('mailbox envelope'));
  if (textNestingTooDeep(text)) throw refuse(file, '(root)', `nests deeper than the limit of ${MAX_NESTING_DEPTH} levels`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw refuse(file, '(root)', `invalid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const problem = treeProblem(raw, { maxWeight: weightBudgetFor(text) });
  if (problem) throw refuse(file, problem.path, problem.message);
  const parsed = MailboxEnvelopeSchema.safeParse(raw);
  if (!parsed.success) throw errorFromIssues('ENVELOPE_INVALID', file, parsed.error.issues);
  return parsed.data;
}

/**
 * Read (bounded: regular files only, never more than the envelope limit, never following a symbolic link) and parse
 * one envelope file; undefined when it is gone. Throws one ENVELOPE_INVALID line naming the file and the field.
 */
export function readEnvelopeFile(path: string, display: string = path): MailboxEnvelope | undefined {
  const read = readBoundedTextSync(path, 'mailbox envelope', { display, code: 'ENVELOPE_INVALID', noFollow: true });
  return read && parseEnvelopeText(read.text, display);
}

