import { join, resolve } from 'node:path';

export const RUNTIME_DIR_NAME = 'millrace-agents';

/** Every well-known location of a workspace (workspace.md §1-2). Absolute paths. */
export function workspacePaths(workspace: string) {
  const workspaceRoot = resolve(workspace);
  const runtimeRoot = join(workspaceRoot, RUNTIME_DIR_NAME);
  const at = (...parts: string[]) => join(runtimeRoot, ...parts);
  const state = at('state');
  return {
    workspaceRoot,
    runtimeRoot,
    /** Where `queue add-idea` writes and planning reads ideas. */
    ideasInbox: at('ideas', 'inbox'),
    /** The inbox before it moved inside the runtime root (the reference's place): still read when it exists. */
    legacyIdeasInbox: join(workspaceRoot, 'ideas', 'inbox'),
    state,
    runs: at('runs'),
    logs: at('logs'),
    eventsLog: at('logs', 'runtime_events.jsonl'),
    tasks: { queue: at('tasks', 'queue'), active: at('tasks', 'active'), done: at('tasks', 'done'), blocked: at('tasks', 'blocked') },
    specs: { queue: at('specs', 'queue'), active: at('specs', 'active'), done: at('specs', 'done'), blocked: at('specs', 'blocked') },
    incidents: { incoming: at('incidents', 'incoming'), active: at('incidents', 'active'), resolved: at('incidents', 'resolved'), blocked: at('incidents', 'blocked') },
    arbiter: {
      root: at('arbiter'),
      ideaContracts: at('arbiter', 'contracts', 'ideas'),
      rootSpecContracts: at('arbiter', 'contracts', 'root-specs'),
      targets: at('arbiter', 'targets'),
      rubrics: at('arbiter', 'rubrics'),
      verdicts: at('arbiter', 'verdicts'),
      reports: at('arbiter', 'reports'),
    },
    mailbox: { incoming: join(state, 'mailbox', 'incoming'), processed: join(state, 'mailbox', 'processed'), failed: join(state, 'mailbox', 'failed') },
    entrypoints: at('entrypoints'),
    skills: at('skills'),
    modes: at('modes'),
    graphs: at('graphs'),
    stageKindsRegistry: at('registry', 'stage_kinds'),
    outline: at('outline.md'),
    historylog: at('historylog.md'),
    tomlConfig: at('millrace.toml'),
    executionStatus: join(state, 'execution_status.md'),
    planningStatus: join(state, 'planning_status.md'),
    learningStatus: join(state, 'learning_status.md'),
    snapshot: join(state, 'runtime_snapshot.json'),
    recoveryCounters: join(state, 'recovery_counters.json'),
    baselineManifest: join(state, 'baseline_manifest.json'),
    compiledPlan: join(state, 'compiled_plan.json'),
    parseCache: join(state, 'queue_parse_cache.json'),
    quarantine: join(state, 'quarantine'),
    compileDiagnostics: join(state, 'compile_diagnostics.json'),
    lock: join(state, 'runtime_daemon.lock.json'),
    runtimeErrorContext: join(state, 'runtime_error_context.json'),
    agentProcessGroups: join(state, 'agent_process_groups.json'),
    usageLedger: join(state, 'usage_ledger.jsonl'),
  };
}
export type WorkspacePaths = ReturnType<typeof workspacePaths>;
