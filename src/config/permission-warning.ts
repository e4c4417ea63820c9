/**
 * The one-line warning `init`, `config show` and `doctor` print while the codex runner is configured to run with no
 * sandbox and no approvals (`"maximum"`, an explicit opt-in). Null when no codex permission is set to it.
 */
export function maximumPermissionWarning(config: { runners: Record<string, unknown> }): string | null {
  const codex = config.runners.codex;
  if (typeof codex !== 'object' || codex === null) return null;
  const section = codex as Record<string, unknown>;
  const keys: string[] = [];
  if (section.permission_default === 'maximum') keys.push('permission_default');
  for (const table of ['permission_by_stage', 'permission_by_model'] as const) {
    const entries = section[table];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [name, level] of Object.entries(entries)) if (level === 'maximum') keys.push(`${table}.${name}`);
  }
  if (keys.length === 0) return null;
  return `runners.codex.${keys.join(', runners.codex.')} = "maximum": codex runs with no sandbox and no approvals; set "basic" unless this machine is sandboxed externally`;
}
