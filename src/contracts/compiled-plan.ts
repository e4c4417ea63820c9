import {
  CanonicalIdSchema,
  PlaneSchema,
  ResultClassSchema,
  type GraphLoop,
  type Mode,
  type RunnerContribution,
  type StageKind,
} from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

/** `state/compiled_plan.json` and `state/compile_diagnostics.json` (compiler.md §3, §7.1). */

export const ReasoningEffortSchema = z.enum(['low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;

const text = z.string().min(1);

/** One graph node with everything the runtime needs to build a StageRunRequest (runners.md §2). */
export const CompiledNodeSchema = z.strictObject({
  node_id: text,
  stage_kind_id: text,
  /** Stage name used for mode maps and config (`stages.<stage>`); equals `stage_kind_id`. */
  stage: text,
  plane: PlaneSchema,
  /** Runtime-root-relative, e.g. `entrypoints/execution/builder.md`. */
  entrypoint_path: text,
  entrypoint_contract_id: text,
  running_status_marker: text,
  legal_terminal_markers: z.array(text).min(1),
  allowed_result_classes_by_outcome: z.record(z.string(), z.array(ResultClassSchema).min(1)),
  declared_output_artifacts: z.array(text),
  required_skill_paths: z.array(text),
  attached_skill_additions: z.array(text),
  runner_name: z.string().nullable(),
  model_name: z.string().nullable(),
  model_reasoning_effort: ReasoningEffortSchema.nullable(),
  timeout_seconds: z.number().int().min(0),
});
export type CompiledNode = z.infer<typeof CompiledNodeSchema>;

export const EntryKeySchema = z.enum(['task', 'spec', 'incident', 'closure_target', 'learning_request']);
export type EntryKey = z.infer<typeof EntryKeySchema>;

export const CompiledEntrySchema = z.strictObject({ entry_key: EntryKeySchema, node_id: text, stage_kind_id: text, plane: PlaneSchema });
export type CompiledEntry = z.infer<typeof CompiledEntrySchema>;

export const EdgeKindSchema = z.enum(['normal', 'retry', 'escalation', 'handoff', 'terminal']);

/** One (edge, outcome) pair; exactly one of the two targets is set. First match wins at runtime. */
export const CompiledTransitionSchema = z
  .strictObject({
    edge_id: text,
    source_node_id: text,
    outcome: text,
    target_node_id: text.nullable(),
    terminal_state_id: text.nullable(),
    kind: EdgeKindSchema,
    priority: z.number().int(),
    max_attempts: z.number().int().min(1).nullable(),
  })
  .refine((t) => (t.target_node_id === null) !== (t.terminal_state_id === null), { message: 'exactly one of target_node_id and terminal_state_id must be set' });
export type CompiledTransition = z.infer<typeof CompiledTransitionSchema>;

export const CompiledResumePolicySchema = z.strictObject({
  policy_id: text,
  source_node_id: text,
  on_outcome: text,
  default_target_node_id: text,
  metadata_stage_keys: z.array(text),
  disallowed_target_node_ids: z.array(text),
});
export type CompiledResumePolicy = z.infer<typeof CompiledResumePolicySchema>;

export const CounterConfigKeys = {
  fix_cycle_count: 'max_fix_cycles',
  troubleshoot_attempt_count: 'max_troubleshoot_attempts_before_consult',
  mechanic_attempt_count: 'max_mechanic_attempts',
} as const;
export type KnownCounterName = keyof typeof CounterConfigKeys;

export const CompiledThresholdPolicySchema = z
  .strictObject({
    policy_id: text,
    source_node_ids: z.array(text).min(1),
    on_outcome: text,
    counter_name: z.enum(['fix_cycle_count', 'troubleshoot_attempt_count', 'mechanic_attempt_count']),
    /** Replaced from `recovery.*` config at compile time. */
    threshold: z.number().int().min(1),
    /** The config field the threshold came from, e.g. `recovery.max_fix_cycles`. */
    threshold_source: text,
    exhausted_target_node_id: text.nullable(),
    exhausted_terminal_state_id: text.nullable(),
  })
  .refine((p) => (p.exhausted_target_node_id === null) !== (p.exhausted_terminal_state_id === null), { message: 'exactly one exhausted target must be set' });
export type CompiledThresholdPolicy = z.infer<typeof CompiledThresholdPolicySchema>;

export const TerminalClassSchema = z.enum(['success', 'followup_needed', 'blocked', 'escalate_planning']);

export const CompiledTerminalStateSchema = z.strictObject({
  terminal_state_id: text,
  terminal_class: TerminalClassSchema,
  writes_status: text,
  emits_artifacts: z.array(text),
  ends_plane_run: z.boolean(),
});
export type CompiledTerminalState = z.infer<typeof CompiledTerminalStateSchema>;

/** The graph form of the completion (Arbiter) behaviour (stages-and-loops.md §7); only the literal values exist. */
export const CompletionBehaviorDefinitionSchema = z.strictObject({
  trigger: z.literal('backlog_drained'),
  readiness_rule: z.literal('no_open_lineage_work'),
  target_node_id: CanonicalIdSchema,
  request_kind: z.literal('closure_target'),
  target_selector: z.literal('active_closure_target'),
  rubric_policy: z.literal('reuse_or_create'),
  blocked_work_policy: z.literal('suppress'),
  skip_if_already_closed: z.boolean().default(true),
  on_pass_terminal_state_id: CanonicalIdSchema,
  on_gap_terminal_state_id: CanonicalIdSchema,
  create_incident_on_gap: z.boolean().default(false),
});
export type CompletionBehaviorDefinition = z.infer<typeof CompletionBehaviorDefinitionSchema>;

export const CompiledCompletionEntrySchema = CompletionBehaviorDefinitionSchema.omit({ target_node_id: true }).extend({
  entry_key: z.literal('closure_target'),
  node_id: text,
  stage_kind_id: text,
  plane: PlaneSchema,
});
export type CompiledCompletionEntry = z.infer<typeof CompiledCompletionEntrySchema>;

export const PluginRefSchema = z.strictObject({ name: text, version: z.string(), type: z.string() });
export type PluginRef = z.infer<typeof PluginRefSchema>;

export const CompiledGraphSchema = z
  .strictObject({
    loop_id: text,
    plane: PlaneSchema,
    contributed_by: PluginRefSchema,
    nodes: z.array(CompiledNodeSchema).min(1),
    compiled_entries: z.array(CompiledEntrySchema),
    compiled_completion_entry: CompiledCompletionEntrySchema.nullable(),
    compiled_transitions: z.array(CompiledTransitionSchema),
    compiled_resume_policies: z.array(CompiledResumePolicySchema),
    compiled_threshold_policies: z.array(CompiledThresholdPolicySchema),
    terminal_states: z.array(CompiledTerminalStateSchema).min(1),
    completion_behavior: CompletionBehaviorDefinitionSchema.nullable(),
  })
  .superRefine((graph, ctx) => {
    if (graph.nodes.some((n) => n.plane !== graph.plane) || graph.compiled_entries.some((e) => e.plane !== graph.plane)) {
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: `every node and entry must belong to plane ${graph.plane}` });
    }
    if ((graph.completion_behavior === null) !== (graph.compiled_completion_entry === null)) {
      ctx.addIssue({ code: 'custom', path: ['compiled_completion_entry'], message: 'a completion entry exists exactly when completion_behavior does' });
    }
  });
export type CompiledGraph = z.infer<typeof CompiledGraphSchema>;

export const AssetFamilySchema = z.enum(['mode', 'graph_loop', 'stage_kind', 'runner', 'entrypoint', 'skill']);
export type AssetFamily = z.infer<typeof AssetFamilySchema>;

/**
 * One input the plan depends on. Contributions are located at `plugin:<name>@<version>` and hashed over the canonical
 * JSON of the item plus its plugin's name and version; files at `millrace-agents/<path>` and hashed over their bytes.
 */
export const ResolvedAssetSchema = z.strictObject({
  asset_family: AssetFamilySchema,
  logical_id: text,
  location: text,
  /** sha256 hex, or `missing` (attached skills only). */
  content_sha256: text,
});
export type ResolvedAsset = z.infer<typeof ResolvedAssetSchema>;

export const CompileInputFingerprintSchema = z.strictObject({
  mode_id: text,
  config_fingerprint: z.string().regex(/^cfg-[0-9a-f]{12}$/),
  assets_fingerprint: z.string().regex(/^assets-([0-9a-f]{12}|missing)$/),
});
export type CompileInputFingerprint = z.infer<typeof CompileInputFingerprintSchema>;

export const CompiledPlanSchema = z
  .strictObject({
    schema_version: z.literal('1.0'),
    kind: z.literal('compiled_run_plan'),
    compiled_plan_id: z.string().regex(/^plan-[a-z0-9._-]+-[0-9a-f]{12}$/),
    compile_input_fingerprint: CompileInputFingerprintSchema,
    mode_id: text,
    /** Contributing plugin of the mode. */
    mode_contributed_by: PluginRefSchema,
    loop_ids_by_plane: z.partialRecord(PlaneSchema, text),
    execution_loop_id: text,
    planning_loop_id: text,
    learning_loop_id: text.nullable(),
    graphs_by_plane: z.partialRecord(PlaneSchema, CompiledGraphSchema),
    concurrency_policy: z.unknown().nullable(),
    learning_trigger_rules: z.array(z.unknown()),
    compiled_at: z.iso.datetime(),
    resolved_assets: z.array(ResolvedAssetSchema),
    source_refs: z.array(text),
  })
  .superRefine((plan, ctx) => {
    const loops = plan.loop_ids_by_plane;
    if (loops.execution !== plan.execution_loop_id || loops.planning !== plan.planning_loop_id || (loops.learning ?? null) !== plan.learning_loop_id) {
      ctx.addIssue({ code: 'custom', path: ['loop_ids_by_plane'], message: 'loop id fields must agree with loop_ids_by_plane' });
    }
    for (const [plane, loopId] of Object.entries(loops)) {
      const graph = plan.graphs_by_plane[plane as keyof typeof loops];
      if (!graph || graph.loop_id !== loopId || graph.plane !== plane) {
        ctx.addIssue({ code: 'custom', path: ['graphs_by_plane', plane], message: `graph for plane ${plane} must exist and compile loop ${loopId}` });
      }
    }
    if (!plan.compiled_plan_id.startsWith(`plan-${plan.mode_id}-`)) ctx.addIssue({ code: 'custom', path: ['compiled_plan_id'], message: 'must embed mode_id' });
  });
export type CompiledPlan = z.infer<typeof CompiledPlanSchema>;

export const CompileDiagnosticsSchema = z
  .strictObject({
    schema_version: z.literal('1.0'),
    kind: z.literal('compile_diagnostics'),
    ok: z.boolean(),
    mode_id: text,
    errors: z.array(text),
    warnings: z.array(text),
    emitted_at: z.iso.datetime(),
  })
  .refine((d) => d.ok || d.errors.length > 0, { message: 'a failed compile must carry at least one error', path: ['errors'] });
export type CompileDiagnostics = z.infer<typeof CompileDiagnosticsSchema>;

export type PlanCurrentness = 'current' | 'stale' | 'missing';

// ---- Compiler inputs (plain data; the compiler never touches fs, process or the clock) ----

/** The config fields the compiler reads. The whole config object is fingerprinted. */
export type CompilerConfig = {
  runtime?: { default_mode?: string | null };
  recovery?: { max_fix_cycles?: number; max_troubleshoot_attempts_before_consult?: number; max_mechanic_attempts?: number };
  stages?: Partial<Record<string, { runner?: string | null; model?: string | null; timeout_seconds?: number | null; model_reasoning_effort?: ReasoningEffort | null } | undefined>>;
  /** Runner sections are validated by their plugins; the compiler only reads `codex.model_reasoning_effort` (config.md). */
  runners?: { default_runner?: string | null; codex?: { model_reasoning_effort?: unknown } };
};

export type ContributionOrigin = { name: string; version: string; type: string };
export type TaggedContribution<T> = { item: T; plugin: ContributionOrigin };

/** The part of the plugin contribution registry the compiler reads (structurally compatible with `Registry`). */
export type CompilerRegistry = {
  modes: ReadonlyMap<string, TaggedContribution<Mode>>;
  loops: ReadonlyMap<string, TaggedContribution<GraphLoop>>;
  stageKinds: ReadonlyMap<string, TaggedContribution<StageKind>>;
  runners: ReadonlyMap<string, TaggedContribution<Pick<RunnerContribution, 'id'>>>;
  modeAliases: ReadonlyMap<string, string>;
  conflicts?: ReadonlyMap<string, ContributionOrigin[]>;
  problems?: ReadonlyArray<{ code: string; message: string; kind?: string; id?: string }>;
};

export type CompileInputs = {
  /** `--mode`, or none; falls back to `runtime.default_mode`, then `default_codex`. */
  requestedModeId?: string | null;
  config: CompilerConfig;
  registry: CompilerRegistry;
  /** Runtime-root-relative path -> sha256 hex of every existing file the plan may reference (entrypoints/, skills/). */
  assetHashes: ReadonlyMap<string, string>;
  /** Compile time (ISO-8601 UTC). */
  now: string;
};

export type CompileResult = { ok: true; plan: CompiledPlan; diagnostics: CompileDiagnostics } | { ok: false; diagnostics: CompileDiagnostics };

/** What one compile of a workspace produced (runtime/compile-workspace.ts). */
export type CompileWorkspaceResult = {
  /** `current`: the persisted plan already equals a fresh compile (left untouched); `compiled`: a new plan; `failed`: see diagnostics. */
  status: 'current' | 'compiled' | 'failed';
  /** The active plan: the new or unchanged one, or the last known good one after a failure (null when there is none). */
  plan: CompiledPlan | null;
  diagnostics: CompileDiagnostics;
  keptLastKnownGood: boolean;
  /** Currentness of `plan` against the current inputs. */
  currentness: PlanCurrentness;
  /** What a plan compiled now would be fingerprinted as (for a failed compile: over the last known good plan's assets). */
  expectedFingerprint: CompileInputFingerprint;
};

export type BaselineInfo = { manifest_id: string; seed_package_version: string };

/** A compile of a workspace as the compile commands report it (`compile validate|show`). */
/** A runner the compiled plan binds that cannot run here (its plugin's preflight), with the operator's remedy. */
export type UnavailableRunner = { runner: string; plugin: string | null; stages: string[]; problem: string; remedy: string };

export type CompileReport = CompileWorkspaceResult & { paths: { compiledPlan: string; compileDiagnostics: string }; baseline: BaselineInfo | null; configWarnings: string[]; unavailableRunners?: UnavailableRunner[] };
