import type { WorkItemKind } from '@millrace/plugin-api';

/** The queue operations the runtime needs (documents.md §7-8). Only the runtime moves queue files. */
export type QueueFamily = 'execution' | 'planning';
export type QueueLocation = 'queue' | 'active' | 'done' | 'blocked';
export type QueuedItem = { kind: Exclude<WorkItemKind, 'learning_request'>; id: string; path: string };

export type WorkItemLineage = {
  root_idea_id: string | null;
  root_spec_id: string | null;
  spec_id: string | null;
  source_task_id: string | null;
  source_spec_id: string | null;
};

export type HandoffIncident = {
  incident_id: string;
  title: string;
  summary: string;
  root_idea_id: string | null;
  root_spec_id: string | null;
  source_task_id: string | null;
  source_spec_id: string | null;
  source_stage: string;
  source_plane: string;
  failure_class: string;
  severity: 'high';
  needs_planning: true;
  trigger_reason: string;
  consultant_decision: 'needs_planning';
  opened_at: string;
  opened_by: 'runtime';
  observed_symptoms: string[];
  failed_attempts: string[];
  evidence_paths: string[];
  related_run_ids: string[];
  related_stage_results: string[];
};

/** A queue-state conflict (item not active, destination exists): routes as `*_work_item_completion_conflict`. */
export class QueueStateError extends Error {
  override name = 'QueueStateError';
}

export type QueuePort = {
  /** Finish or undo moves interrupted by a crash, so every item is in exactly one folder (run at startup). */
  repair(): Promise<void>;
  /** Claim the next eligible item of a family (rename queue -> active), or null. `scope` = open closure root. */
  claimNext(family: QueueFamily, scope: string | null, now: Date): Promise<QueuedItem | null>;
  /** Claim a task for a free execution lane (docs/parallel.md), or null when none may start now. */
  claimForLane?(scope: string | null, options: { isolation: 'none' | 'worktree'; maxActive: number }): Promise<QueuedItem | null>;
  /** Move an active item to `done`/`resolved` (success) or `blocked`. Throws QueueStateError. */
  finish(kind: QueuedItem['kind'], id: string, to: 'done' | 'blocked'): Promise<void>;
  /** Move an active item back to its queue folder and log the reason. Throws QueueStateError. */
  requeue(kind: QueuedItem['kind'], id: string, reason: string, now: Date): Promise<void>;
  /** Documents currently in the active folders. */
  listActive(): Promise<QueuedItem[]>;
  locate(kind: QueuedItem['kind'], id: string): Promise<QueueLocation | null>;
  activePath(kind: QueuedItem['kind'], id: string): string;
  readLineage(kind: QueuedItem['kind'], id: string): Promise<WorkItemLineage | null>;
  enqueueIncident(incident: HandoffIncident): Promise<string>;
  depths(): Promise<{ execution: number; planning: number; learning: number }>;
};
