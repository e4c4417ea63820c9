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
    `execution_active: ${r.execution_active}`,
    `planning_active: ${r.planning_active}`,
    ...Object.entries(r.counts).map(([kind, states]) => `${kind}s: ${Object.entries(states).map(([s, n]) => `${s}=${n}`).join(' ')}`),
    nextLine('execution', r.next.execution),
    nextLine('planning', r.next.planning),
  ];
  if (r.invalid.length) lines.push(`invalid_documents: ${r.invalid.length}`, ...r.invalid.flatMap((f) => f.problems.map((p) => `  ${p}`)));
  if (r.duplicates.length) lines.push(`duplicate_ids: ${r.duplicates.length}`, ...r.duplicates.map((d) => `  ${d.kind} ${d.id}: ${d.paths.join(', ')}`));
  return lines;
}

export function queueItemLines(r: QueueShowResult): string[] {
  return [`work_item_id: ${r.work_item_id}`, `work_item_kind: ${r.work_item_kind}`, `work_item_state: ${r.work_item_state}`, `path: ${r.path}`, `title: ${r.title}`];
}

type MailboxOutcome = { action: string; mode: 'mailbox'; applied: boolean; detail: string; command_id: string; mailbox_path: string };

/** The control-result block printed when an add command was handed to the running daemon. */
export function mailboxOutcomeLines(r: MailboxOutcome): string[] {
  return [`action: ${r.action}`, `mode: ${r.mode}`, `applied: ${r.applied}`, `detail: ${r.detail}`, `command_id: ${r.command_id}`, `mailbox_path: ${r.mailbox_path}`];
}
