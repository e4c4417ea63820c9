import { FIELD_ORDER } from '../contracts/documents.js';
import type { NextItemView, QueueLsResult, QueueShowResult } from '../views/queue.js';

function nextLine(plane: string, next: NextItemView): string {
  switch (next.status) {
    case 'claimable':
      return `next_${plane}: ${next.id} (${next.kind}, ${next.path})`;
    case 'busy':
      return `next_${plane}: none (busy with ${next.active_id})`;
    case 'conflict':
      return `next_${plane}: none (several active items: ${next.active_ids.join(', ')})`;
    case 'idle':
      return `next_${plane}: none${next.waiting ? ` (${next.waiting} waiting on dependencies or scope)` : ''}`;
  }
}

/** Text form of `queue ls`: `key: value` lines, then problems. */
export function queueOverviewLines(r: QueueLsResult): string[] {
  const lines = [
    `execution_queue_depth: ${r.execution_queue_depth}`,
    `planning_queue_depth: ${r.planning_queue_depth}`,
    `learning_queue_depth: ${r.learning_queue_depth}`,
    `execution_active: ${r.execution_active}`,
    `planning_active: ${r.planning_active}`,
    `learning_active: ${r.learning_active}`,
    `active_task_count: ${r.active_task_count}`,
    `active_spec_count: ${r.active_spec_count}`,
    `active_incident_count: ${r.active_incident_count}`,
    `active_learning_request_count: ${r.active_learning_request_count}`,
    ...Object.entries(r.counts).map(([kind, states]) => `${kind}s: ${Object.entries(states).map(([s, n]) => `${s}=${n}`).join(' ')}`),
    nextLine('execution', r.next.execution),
    nextLine('planning', r.next.planning),
  ];
  if (r.invalid.length) lines.push(`invalid_documents: ${r.invalid.length}`, ...r.invalid.flatMap((f) => f.problems.map((p) => `  ${p}`)));
  if (r.duplicates.length) lines.push(`duplicate_ids: ${r.duplicates.length}`, ...r.duplicates.map((d) => `  ${d.kind} ${d.id}: ${d.paths.join(', ')}`));
  if (r.dependency_problems.length) lines.push(`dependency_problems: ${r.dependency_problems.length}`, ...r.dependency_problems.map((p) => `  ${p.message}`));
  return lines;
}

/**
 * Text form of `queue show`: the reference's five lines, the source format, every field of the kind in canonical
 * order (absent ones as `none`, lists one `- item` per line) and the body, indented.
 */
export function queueItemLines(r: QueueShowResult): string[] {
  const lines = [`work_item_id: ${r.work_item_id}`, `work_item_kind: ${r.work_item_kind}`, `work_item_state: ${r.work_item_state}`, `path: ${r.path}`, `title: ${r.title}`, `format: ${r.format}`, 'fields:'];
  const order = FIELD_ORDER[r.work_item_kind];
  for (const key of order.scalars) {
    const value = r.fields[key];
    lines.push(`  ${key}: ${value === undefined || value === null || value === '' ? 'none' : String(value)}`);
  }
  for (const key of order.lists) {
    const items = Array.isArray(r.fields[key]) ? (r.fields[key] as unknown[]) : [];
    if (items.length === 0) lines.push(`  ${key}: none`);
    else lines.push(`  ${key}:`, ...items.map((item) => `    - ${String(item)}`));
  }
  const body = r.body.replace(/\s+$/, '');
  lines.push(body ? 'body:' : 'body: none', ...(body ? body.split('\n').map((line) => (line ? `  ${line}` : '')) : []));
  return lines;
}

type MailboxOutcome = { action: string; mode: 'mailbox'; applied: boolean; detail: string; command_id: string; mailbox_path: string };

/** The control-result block printed when an add command was handed to the running daemon. */
export function mailboxOutcomeLines(r: MailboxOutcome): string[] {
  return [`action: ${r.action}`, `mode: ${r.mode}`, `applied: ${r.applied}`, `detail: ${r.detail}`, `command_id: ${r.command_id}`, `mailbox_path: ${r.mailbox_path}`];
}
