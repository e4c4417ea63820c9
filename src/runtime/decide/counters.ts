import type { WorkItemKind } from '@millrace/plugin-api';
import type { CounterField, RecoveryCounters } from '../../contracts/runtime-state.js';
import type { RouterDecision } from './route.js';

export type WorkItemRef = { kind: WorkItemKind; id: string };

/** Pure: +1 on one field of the `(failure_class, kind, id)` entry, appending it when absent (runtime.md §9). */
export function incrementCounter(counters: RecoveryCounters, failureClass: string, item: WorkItemRef, field: CounterField, now: Date): RecoveryCounters {
  const at = now.toISOString();
  const index = counters.entries.findIndex((e) => e.failure_class === failureClass && e.work_item_kind === item.kind && e.work_item_id === item.id);
  const entries = [...counters.entries];
  if (index === -1) {
    entries.push({
      failure_class: failureClass,
      work_item_id: item.id,
      work_item_kind: item.kind,
      troubleshoot_attempt_count: 0,
      mechanic_attempt_count: 0,
      fix_cycle_count: 0,
      consultant_invocations: 0,
      [field]: 1,
      last_updated_at: at,
    });
  } else {
    const entry = entries[index]!;
    entries[index] = { ...entry, [field]: entry[field] + 1, last_updated_at: at };
  }
  return { ...counters, entries };
}

/** Pure: drop every entry of a work item (its run ended, or it was retried). */
export function removeWorkItemCounters(counters: RecoveryCounters, item: WorkItemRef): RecoveryCounters {
  return { ...counters, entries: counters.entries.filter((e) => !(e.work_item_kind === item.kind && e.work_item_id === item.id)) };
}

/** Which counter a RUN_STAGE decision increments, and under which failure class (runtime.md §9 table). */
export function decideCounterIncrement(decision: RouterDecision, outcome: string): { field: CounterField; failureClass: string } | null {
  if (decision.action !== 'run_stage') return null;
  const fc = decision.failure_class;
  switch (decision.next_stage) {
    case 'troubleshooter':
      return { field: 'troubleshoot_attempt_count', failureClass: fc ?? 'recoverable_failure' };
    case 'mechanic':
      return { field: 'mechanic_attempt_count', failureClass: fc ?? 'recoverable_failure' };
    case 'consultant':
      return { field: 'consultant_invocations', failureClass: fc ?? 'recoverable_failure' };
  }
  if (outcome === 'FIX_NEEDED') return { field: 'fix_cycle_count', failureClass: fc ?? 'fix_cycle' };
  return null;
}
