import { MAX_TIMER_MS, MAX_TIMER_SECONDS, STAGE_NAMES, timerMsMessage, timerSecondsMessage, type ConfigSchemaLike } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';
import { UsagePricesSchema } from './usage.js';

/**
 * The whole Millrace configuration (config.md §2): one schema, every field defaulted, unknown keys rejected.
 * Runner sections (`runners.<section>`) are open here; each is validated by the schema its runner plugin contributes.
 */

/** Learning-plane stages are out of scope but stay valid `[stages.*]` keys so existing workspaces keep loading. */
export const LEARNING_STAGE_NAMES = ['analyst', 'professor', 'curator'] as const;
export const CONFIG_STAGE_NAMES = [...STAGE_NAMES, ...LEARNING_STAGE_NAMES] as const;

export const ReasoningEffortSchema = z.enum(['low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;

const positiveNumber = z.number().positive();
const positiveInt = z.number().int().positive();

export const RuntimeConfigSchema = z.strictObject({
  default_mode: z
    .string()
    .transform((v) => v.trim() || 'default_codex')
    .default('default_codex'),
  run_style: z.enum(['once', 'daemon']).default('daemon'),
  idle_sleep_seconds: positiveNumber.max(MAX_TIMER_SECONDS, timerSecondsMessage).default(1),
});

/** Default of `stall_timeout_seconds` when neither the stage nor the runner section sets one. */
export const DEFAULT_STALL_TIMEOUT_SECONDS = 900;
/** Keys of a `runners.<section>` table that the host owns: removed before the runner's own schema validates the rest. */
export const HOST_RUNNER_SECTION_KEYS = ['stall_timeout_seconds'] as const;
export const StallTimeoutSecondsSchema = z.number().int().min(0).max(MAX_TIMER_SECONDS, timerSecondsMessage);

/** `[runners]`: the default runner plus one open table per runner plugin (`runners.codex`, `runners.pi`, ...). */
export const RunnersConfigSchema = z
  .object({ default_runner: z.string().trim().min(1).default('codex_cli') })
  .catchall(z.record(z.string(), z.unknown()));

export const RecoveryConfigSchema = z.strictObject({
  max_fix_cycles: positiveInt.default(2),
  max_troubleshoot_attempts_before_consult: positiveInt.default(2),
  max_mechanic_attempts: positiveInt.default(2),
  stale_state_recovery_enabled: z.boolean().default(true),
});

export const WatchersConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  debounce_ms: positiveInt.max(MAX_TIMER_MS, timerMsMessage).default(250),
  watch_ideas_inbox: z.boolean().default(true),
  watch_specs_queue: z.boolean().default(true),
});

const RuntimeTokenRuleSchema = z.strictObject({
  rule_id: z.string().min(1),
  window: z.enum(['rolling_5h', 'calendar_week', 'daemon_session', 'per_run']),
  metric: z.literal('total_tokens').default('total_tokens'),
  threshold: positiveInt,
});

const SubscriptionQuotaRuleSchema = z.strictObject({
  rule_id: z.string().min(1),
  window: z.enum(['five_hour', 'weekly']),
  pause_at_percent_used: z.number().gt(0).lte(100),
});

/** What a budget limit counts over: a rolling window, a UTC calendar day or ISO week, the daemon session, or one work item. */
export const BUDGET_WINDOWS = ['rolling', 'calendar_day', 'calendar_week', 'daemon_session', 'per_item'] as const;
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];
/** A rolling window is at most a year long. */
const MAX_WINDOW_SECONDS = 366 * 24 * 3600;

/** `[[usage_governance.limits]]`: one budget; tokens and/or USD cost (docs/observability.md, Budgets). */
export const UsageLimitSchema = z
  .strictObject({
    id: z.string().trim().min(1),
    window: z.enum(BUDGET_WINDOWS),
    /** Rolling windows only: the length, in hours (fractions allowed) or in seconds; exactly one of the two. */
    window_hours: positiveNumber.max(MAX_WINDOW_SECONDS / 3600).optional(),
    window_seconds: positiveInt.max(MAX_WINDOW_SECONDS).optional(),
    /** Sum of the ledger's `token_usage.total_tokens`. */
    max_tokens: positiveInt.optional(),
    /** Sum of the ledger's `cost_usd` (runs with an unknown cost count as 0). */
    max_cost_usd: positiveNumber.optional(),
  })
  .superRefine((limit, ctx) => {
    if (limit.max_tokens === undefined && limit.max_cost_usd === undefined) ctx.addIssue({ code: 'custom', path: ['max_tokens'], message: 'set max_tokens, max_cost_usd or both' });
    const lengths = [limit.window_hours, limit.window_seconds].filter((v) => v !== undefined).length;
    if (limit.window === 'rolling' && lengths !== 1) ctx.addIssue({ code: 'custom', path: ['window_hours'], message: 'a rolling window needs exactly one of window_hours or window_seconds' });
    if (limit.window !== 'rolling' && lengths > 0) ctx.addIssue({ code: 'custom', path: [limit.window_hours !== undefined ? 'window_hours' : 'window_seconds'], message: `only a rolling window has a length (window is ${limit.window})` });
  });
export type UsageLimitConfig = z.infer<typeof UsageLimitSchema>;

/**
 * `[usage_governance]` (docs/observability.md, Budgets). The reference's keys (`runtime_token_rules`) keep working;
 * `limits` is Millrace's own form (tokens and/or cost, per item, session, rolling window, UTC day or week).
 * `subscription_quota_rules` is accepted and validated but not acted on.
 */
export const UsageGovernanceConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    auto_resume: z.boolean().default(true),
    evaluation_boundary: z.literal('between_stages').default('between_stages'),
    /** Calendar days and weeks are UTC; another zone is refused while governance is enabled. */
    calendar_timezone: z.string().default('UTC'),
    runtime_token_rules: z
      .strictObject({
        enabled: z.boolean().default(true),
        rules: z.array(RuntimeTokenRuleSchema).default(() => [
          { rule_id: 'rolling-5h-default', window: 'rolling_5h' as const, metric: 'total_tokens' as const, threshold: 750_000 },
          { rule_id: 'calendar-week-default', window: 'calendar_week' as const, metric: 'total_tokens' as const, threshold: 5_000_000 },
        ]),
      })
      .prefault({}),
    limits: z.array(UsageLimitSchema).default([]),
    subscription_quota_rules: z
      .strictObject({
        enabled: z.boolean().default(false),
        provider: z.literal('codex_chatgpt_oauth').default('codex_chatgpt_oauth'),
        degraded_policy: z.enum(['fail_open', 'fail_closed']).default('fail_open'),
        refresh_interval_seconds: positiveInt.max(MAX_TIMER_SECONDS, timerSecondsMessage).default(60),
        rules: z.array(SubscriptionQuotaRuleSchema).default(() => [
          { rule_id: 'codex-five-hour-default', window: 'five_hour' as const, pause_at_percent_used: 95 },
          { rule_id: 'codex-weekly-default', window: 'weekly' as const, pause_at_percent_used: 95 },
        ]),
      })
      .prefault({}),
  })
  .superRefine((g, ctx) => {
    if (g.enabled && g.calendar_timezone !== 'UTC') ctx.addIssue({ code: 'custom', path: ['calendar_timezone'], message: 'only "UTC" is supported (calendar days and weeks are UTC)' });
    const seen = new Set<string>();
    const ids: Array<[string, (string | number)[]]> = [
      ...g.runtime_token_rules.rules.map((r, i): [string, (string | number)[]] => [r.rule_id, ['runtime_token_rules', 'rules', i, 'rule_id']]),
      ...g.limits.map((l, i): [string, (string | number)[]] => [l.id, ['limits', i, 'id']]),
    ];
    for (const [id, path] of ids) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `duplicate limit id ${JSON.stringify(id)}` });
      seen.add(id);
    }
  });
export type UsageGovernanceConfig = z.infer<typeof UsageGovernanceConfigSchema>;

/**
 * `[execution]`: parallel execution lanes (docs/parallel.md). `max_parallel = 1` with `isolation = "none"` is the
 * serial runtime exactly; more lanes, or worktree isolation, run execution tasks through the lane executor.
 */
export const ExecutionConfigSchema = z.strictObject({
  max_parallel: positiveInt.max(32).default(1),
  isolation: z.enum(['none', 'worktree']).default('none'),
  /** Where task worktrees are created, relative to the workspace root. */
  worktree_dir: z.string().trim().min(1).default('millrace-agents/worktrees'),
  /** Branch tasks start from and integrate into; null = the branch checked out in the workspace root. */
  base_branch: z.string().trim().min(1).nullable().default(null),
  integration: z.enum(['merge', 'ff']).default('merge'),
  /** `remove`: a done task's worktree is removed after integration; `keep` leaves it for inspection. */
  worktree_retention: z.enum(['remove', 'keep']).default('remove'),
});
export type ExecutionConfig = z.infer<typeof ExecutionConfigSchema>;

/** Whether tasks run through the lane executor instead of the serial execution plane. */
export function usesLanes(execution: ExecutionConfig): boolean {
  return execution.max_parallel > 1 || execution.isolation === 'worktree';
}

/** The events log may be at most this large before rotation: the bounded reader reads each file whole. */
export const MAX_EVENTS_LOG_BYTES = 64 * 1024 * 1024;

/**
 * `[retention]` (docs/runtime.md, "Retention"): how long run directories and rotated events logs are kept. Each run
 * limit removes on its own (0 disables it); runs of unfinished items, of an open closure target and the running
 * stage are always kept. The usage ledger is an accounting record and is never pruned.
 */
export const RetentionConfigSchema = z.strictObject({
  keep_runs_days: z.number().int().min(0).max(36_500).default(30),
  keep_runs_per_item: z.number().int().min(0).max(100_000).default(20),
  events_log_max_bytes: z.number().int().min(1024).max(MAX_EVENTS_LOG_BYTES, 'must be at most 67108864 (64 MiB)').default(8 * 1024 * 1024),
  events_log_keep_files: z.number().int().min(0).max(100).default(4),
});
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;

/** `[stages.<stage>]`: an existing table always carries `timeout_seconds` (3600 unless set). */
export const StageConfigSchema = z.strictObject({
  runner: z.string().trim().min(1).nullable().default(null),
  model: z.string().trim().min(1).nullable().default(null),
  model_reasoning_effort: ReasoningEffortSchema.nullable().default(null),
  timeout_seconds: positiveInt.max(MAX_TIMER_SECONDS, timerSecondsMessage).default(3600),
  /** No runner activity for this long ends the stage as `runner_stalled`; 0 disables; null defers to the runner's section. */
  stall_timeout_seconds: StallTimeoutSecondsSchema.nullable().default(null),
});
export type StageConfig = z.infer<typeof StageConfigSchema>;

export const MillraceConfigSchema = z.strictObject({
  runtime: RuntimeConfigSchema.prefault({}),
  runners: RunnersConfigSchema.prefault({}),
  recovery: RecoveryConfigSchema.prefault({}),
  watchers: WatchersConfigSchema.prefault({}),
  usage_governance: UsageGovernanceConfigSchema.prefault({}),
  execution: ExecutionConfigSchema.prefault({}),
  retention: RetentionConfigSchema.prefault({}),
  /** Model prices for the usage ledger's cost when a runner reports none; nothing is priced by default. */
  usage_prices: UsagePricesSchema.default({}),
  /** Keys are checked against the stage kinds installed, contributed ones included (config/stage-names.ts). */
  stages: z.record(z.string(), StageConfigSchema).default({}),
});
export type MillraceConfig = z.infer<typeof MillraceConfigSchema>;
export type MillraceConfigInput = z.input<typeof MillraceConfigSchema>;

/** The configuration with every default applied (what an empty or missing config file means). */
export function defaultConfig(): MillraceConfig {
  return MillraceConfigSchema.parse({});
}

/** One config file that contributed to the effective config, and the dotted keys it set. */
export type ConfigSource = {
  /** Relative to the workspace root when inside it (as used in messages and provenance), else absolute. */
  path: string;
  absolutePath: string;
  kind: 'cosmiconfig' | 'toml';
  /** Dotted leaf keys the file sets. */
  keys: string[];
};

/** Where each effective value came from: dotted key -> file path, or `defaults`. */
export type ConfigProvenance = Record<string, string>;
export const DEFAULTS_SOURCE = 'defaults';

export type LoadedConfig = {
  config: MillraceConfig;
  /** Files that were read, lowest precedence first. */
  sources: ConfigSource[];
  /** Absolute paths of `sources`. */
  files: string[];
  provenance: ConfigProvenance;
  /** Non-fatal findings, e.g. a runner section that no installed plugin validates. */
  warnings: string[];
};

/**
 * What config loading needs from the plugin registry: runner contributions that declare a config section.
 * Structural, so a full `Registry` fits without the config layer importing the registry.
 */
export type RunnerSchemaSource = {
  runners: ReadonlyMap<string, { item: { id: string; configSection?: string; configSchema?: ConfigSchemaLike }; plugin: { name: string } }>;
  /** Stage kinds plugins contribute: their ids are `[stages.<id>]` keys too. */
  stageKinds?: ReadonlyMap<string, unknown>;
};
