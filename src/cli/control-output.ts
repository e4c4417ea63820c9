import type { ControlResult } from '../runtime/control/control-result.js';

/** The control result block, one `key: value` line each; optional lines only when set (control-and-inspection.md §1). */
export function controlResultLines(result: ControlResult): string[] {
  const lines = [`action: ${result.action}`, `mode: ${result.mode}`, `applied: ${result.applied}`, `detail: ${result.detail}`];
  if (result.command_id) lines.push(`command_id: ${result.command_id}`);
  if (result.mailbox_path) lines.push(`mailbox_path: ${result.mailbox_path}`);
  if (result.usage_governance) lines.push(`refused: ${result.usage_governance}`);
  return lines;
}
