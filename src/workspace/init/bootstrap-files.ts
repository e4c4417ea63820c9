import { bootstrapSnapshot, emptyRecoveryCounters, IDLE_MARKER } from '../../contracts/runtime-state.js';

/** Directories `init` creates under `millrace-agents/` (workspace.md §2), runtime-root-relative. */
export const BOOTSTRAP_DIRECTORIES: readonly string[] = [
  'state/mailbox/incoming',
  'state/mailbox/processed',
  'state/mailbox/failed',
  'runs',
  ...['queue', 'active', 'done', 'blocked'].map((d) => `tasks/${d}`),
  ...['queue', 'active', 'done', 'blocked'].map((d) => `specs/${d}`),
  ...['incoming', 'active', 'resolved', 'blocked'].map((d) => `incidents/${d}`),
  ...['queue', 'active', 'done', 'blocked'].map((d) => `learning/requests/${d}`),
  'learning/research-packets',
  'learning/skill-candidates',
  'learning/update-candidates',
  'arbiter/contracts/ideas',
  'arbiter/contracts/root-specs',
  'arbiter/targets',
  'arbiter/rubrics',
  'arbiter/verdicts',
  'arbiter/reports',
  ...['execution', 'planning', 'learning'].map((p) => `loops/${p}`),
  ...['execution', 'planning', 'learning'].map((p) => `graphs/${p}`),
  ...['execution', 'planning', 'learning'].map((p) => `registry/stage_kinds/${p}`),
  'modes',
  'logs',
  'entrypoints',
  'skills',
];

/** The operator-owned config `init` writes when absent; it loads to the default config (config.md §1). */
export const BOOTSTRAP_TOML = '[runtime]\ndefault_mode = "default_codex"\nrun_style = "daemon"\n\n[runners.codex]\npermission_default = "basic"\n';

/**
 * `millrace-agents/.gitignore`: run artifacts, logs and derived runtime state stay out of `git status`; the config,
 * queues, entrypoints, skills and the baseline manifest (which `upgrade` compares against) are meant to be committed;
 * what `migrate` set aside and the lanes' worktrees (default `worktree_dir`) are not.
 */
export const BOOTSTRAP_GITIGNORE = [
  '# Written by `millrace init` (kept if you edit it): run artifacts, logs and derived runtime state.',
  'runs/',
  'logs/',
  'state/*',
  '!state/baseline_manifest.json',
  '# Files `migrate` set aside, and the default folder of execution lanes\' git worktrees.',
  'migration/',
  'worktrees/',
  '',
].join('\n');

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Pure: every default file `init` writes when absent (workspace.md §2-3), runtime-root-relative path -> content. */
export function bootstrapFiles(now: Date): ReadonlyArray<{ path: string; content: string }> {
  return [
    { path: 'outline.md', content: '' },
    { path: 'historylog.md', content: '' },
    { path: 'millrace.toml', content: BOOTSTRAP_TOML },
    { path: '.gitignore', content: BOOTSTRAP_GITIGNORE },
    { path: 'state/execution_status.md', content: `${IDLE_MARKER}\n` },
    { path: 'state/planning_status.md', content: `${IDLE_MARKER}\n` },
    { path: 'state/learning_status.md', content: `${IDLE_MARKER}\n` },
    { path: 'state/runtime_snapshot.json', content: json(bootstrapSnapshot(now)) },
    { path: 'state/recovery_counters.json', content: json(emptyRecoveryCounters()) },
    { path: 'learning/events.jsonl', content: '' },
  ];
}
