/**
 * The host's read models as a plugin sees them at run time. The host package exports an object of this type
 * from its `millrace/views` entry (`createHostViews(oclifConfig)`); a plugin command loads it from the host root
 * oclif gives it (`this.config.root`) instead of importing host source. Each result is the same plain data the
 * host's `--json` commands print; the types below name only the fields a plugin may rely on, the rest passes through.
 */
export const HOST_VIEWS_API_VERSION = 3;

type Passthrough = { [key: string]: unknown };

export type HostActiveRun = Passthrough & {
  plane: string;
  stage: string;
  node_id: string;
  run_id: string;
  work_item_kind: string | null;
  work_item_id: string | null;
  active_since: string;
};

/** `millrace status --json` */
export type HostStatusView = Passthrough & {
  workspace: string;
  process_running: boolean;
  paused: boolean;
  pause_sources: string;
  stop_requested: boolean;
  active_runs: HostActiveRun[];
  active_node_id: string | null;
  compiled_plan_id: string;
  compiled_plan_currentness: string;
  execution_queue_depth: number;
  planning_queue_depth: number;
  invalid_documents: Array<{ kind: string; state: string; path: string; problems: string[] }>;
};

/** One work document in a queue folder listing; `title` is null when the file does not parse. */
export type HostQueueEntry = { kind: string; state: string; id: string; title: string | null };

/** Every queue folder: its count of `*.md` files and its first `limit` documents by id. */
export type HostQueueBoard = Passthrough & {
  folders: Array<{ kind: string; state: string; count: number; items: HostQueueEntry[] }>;
};

/** `millrace queue show --json` */
export type HostQueueItem = Passthrough & { work_item_id: string; work_item_kind: string; work_item_state: string; title: string; body: string; fields: Passthrough };

export type HostTokenUsage = { input_tokens: number; cached_input_tokens: number; output_tokens: number; thinking_tokens: number; total_tokens: number } & Passthrough;

export type HostStageResult = Passthrough & {
  stage: string;
  node_id: string;
  terminal_result: string;
  result_class: string;
  work_item_id: string | null;
  started_at: string;
  completed_at: string;
  duration_seconds: number;
  token_usage: HostTokenUsage | null;
  /** USD, when the runner's harness priced the stage run. */
  cost_usd?: number | null;
};

/** One run as `millrace runs ls --json` lists it (`usage`: the totals of its ledger records, null when none). */
export type HostRunListEntry = Passthrough & {
  run_id: string;
  short_id: string;
  status: string;
  running: boolean;
  started_at: string;
  completed_at: string | null;
  duration_seconds: number;
  plane: string | null;
  stage: string | null;
  stages: string[];
  work_item_kind: string | null;
  work_item_id: string | null;
  terminal_result: string | null;
  failure_class: string | null;
  lane: number | null;
  usage: (Passthrough & { runs: number; total_tokens: number; cost_usd: number }) | null;
};

/** `millrace runs show --json` */
export type HostRunInspection = Passthrough & {
  run_id: string;
  status: string;
  work_item_kind: string | null;
  work_item_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  stage_results: HostStageResult[];
  token_usage: HostTokenUsage | null;
};

/** One stage run of an item: `outcome` is its terminal result, or `running`, `abandoned`, `unfinished`. */
export type HostItemHistoryEntry = Passthrough & {
  run_id: string;
  stage: string;
  started_at: string;
  duration_seconds: number | null;
  outcome: string;
  result_class: string | null;
  token_usage: HostTokenUsage | null;
};

/** `millrace queue show --history --json`'s `history`. */
export type HostItemHistory = Passthrough & { work_item_id: string; entries: HostItemHistoryEntry[] };

export type HostArtifactText = { text: string; size: number; truncated: boolean };

export type HostRuntimeEvent = Passthrough & { event_type: string; occurred_at: string; data: Passthrough };

/** The persisted compiled plan as graphs: nodes and transitions per plane. */
export type HostPlanGraph = Passthrough & {
  compiled_plan_id: string;
  mode_id: string;
  graphs: Array<{
    plane: string;
    loop_id: string;
    entries: Array<{ entry_key: string; node_id: string }>;
    nodes: Array<{ node_id: string; stage_kind_id: string; runner_name: string | null; timeout_seconds: number }>;
    transitions: Array<{ edge_id: string; source_node_id: string; outcome: string; target_node_id: string | null; terminal_state_id: string | null }>;
  }>;
};

/** Sums of usage ledger records (`millrace usage`): `unpriced_runs` are runs whose cost is unknown. */
export type HostUsageTotals = Passthrough & { runs: number; input_tokens: number; cached_input_tokens: number; output_tokens: number; thinking_tokens: number; total_tokens: number; cost_usd: number; unpriced_runs: number };

/** The usage ledger (`state/usage_ledger.jsonl`) grouped like `millrace usage --by stage|item|day`, and one point per record. */
export type HostUsageOverview = Passthrough & {
  total: HostUsageTotals;
  by_stage: Array<HostUsageTotals & { key: string }>;
  by_item: Array<HostUsageTotals & { key: string }>;
  by_day: Array<HostUsageTotals & { key: string }>;
  points: Array<{ recorded_at: string; plane: string; stage: string; work_item_id: string | null; total_tokens: number; cost_usd: number | null }>;
};

export type HostControlAction = 'pause' | 'resume' | 'stop' | 'retry_active';
export type HostControlResult = Passthrough & { action: string; mode: string; applied: boolean; detail: string };

/**
 * Folders and files whose changes mean the read models may have changed (for file watching), by what they hold,
 * and files in them that reading itself rewrites (a watcher must ignore those, or every read would announce a change).
 */
export type HostWatchTargets = { workspaceRoot: string; paths: { state: string[]; queue: string[]; runs: string[]; events: string[] }; ignoredFiles: string[] };

export type HostViews = {
  apiVersion: typeof HOST_VIEWS_API_VERSION;
  /** Throws (code `WORKSPACE_NOT_INITIALIZED`) when the directory holds no workspace. */
  status(workspace: string): Promise<HostStatusView>;
  queueBoard(workspace: string, limitPerFolder: number): Promise<HostQueueBoard>;
  /** null when no queue folder holds the id. */
  queueItem(workspace: string, id: string): Promise<HostQueueItem | null>;
  /** `runs ls --json`: newest first, at most `limit` (null: all); `matched` counts them all. */
  runs(workspace: string, limit: number | null): Promise<{ runs: HostRunListEntry[]; matched: number }>;
  /** An item's stage runs, oldest first (`queue show --history --json`'s `history`); entries are empty when none ran it. */
  itemHistory(workspace: string, id: string): Promise<HostItemHistory>;
  /** null when no run matches; `runId` is a full id, a unique prefix or `latest` (as on the CLI). */
  run(workspace: string, runId: string): Promise<HostRunInspection | null>;
  /** Files of a run directory (paths relative to it, `/`-separated); null when the run does not exist. */
  runArtifacts(workspace: string, runId: string): Promise<string[] | null>;
  /** The last `maxBytes` of one file that `runArtifacts` lists, else null (nothing outside that list is ever read). */
  readRunArtifact(workspace: string, runId: string, name: string, maxBytes: number): Promise<HostArtifactText | null>;
  /** The newest `limit` runtime events, oldest first. */
  events(workspace: string, limit: number): Promise<HostRuntimeEvent[]>;
  /** The persisted plan, never compiled by this call; null when there is none. */
  plan(workspace: string): Promise<HostPlanGraph | null>;
  doctor(workspace: string): Promise<Passthrough & { ok: boolean; findings: unknown[] }>;
  /** The usage ledger through the view model of `millrace usage`. */
  usage(workspace: string): Promise<HostUsageOverview>;
  /** Same path as the CLI's control commands: the mailbox when a daemon runs, else applied directly. */
  control(workspace: string, action: HostControlAction): Promise<HostControlResult>;
  watchTargets(workspace: string): HostWatchTargets;
};

/** What `millrace/views` exports: `createHostViews(config)` with the oclif `Config` of the running command. */
export type HostViewsModule = { HOST_VIEWS_API_VERSION: number; createHostViews(oclifConfig: object): HostViews };
