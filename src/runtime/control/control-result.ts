import type { Plane } from '@millrace/plugin-api';

/** The operator actions routed through the control API (control-and-inspection.md §1). */
export type ControlAction = 'pause' | 'resume' | 'stop' | 'retry_active' | 'clear_stale_state' | 'reload_config';

/** What every control command prints (and returns under --json). */
export type ControlResult = {
  action: ControlAction;
  mode: 'direct' | 'mailbox';
  applied: boolean;
  detail: string;
  command_id?: string;
  mailbox_path?: string;
  /** Resume only: why the usage governance pause stays (resume without --force while a budget is reached). */
  usage_governance?: string;
};

export type ControlRequest =
  | { action: 'pause' | 'stop' | 'reload_config' }
  | { action: 'resume'; force?: boolean }
  | { action: 'retry_active'; reason: string; scope?: Plane; item?: string }
  | { action: 'clear_stale_state'; reason: string };

export const DEFAULT_REASONS = {
  retry_active: 'operator requested retry',
  planning_retry_active: 'operator requested planning retry',
  clear_stale_state: 'operator requested stale-state clear',
} as const;

/** Blank reasons fall back to the command's default. */
export const reasonOrDefault = (reason: string | undefined, fallback: string) => (reason && reason.trim() !== '' ? reason.trim() : fallback);
