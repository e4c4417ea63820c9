import * as z from './zod.js';
import { CanonicalIdSchema, PlaneSchema, ResultClassSchema, StatusTokenSchema } from './vocabulary.js';
import { MAX_TIMER_SECONDS, timerSecondsMessage } from './timers.js';

const unique = <T>(items: T[]): T[] => [...new Set(items)];

function assetPath(prefix: 'entrypoints/' | 'skills/') {
  return z
    .string()
    .transform((v) => v.trim())
    .superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: 'custom', message: 'may not be empty' });
      else if (v.startsWith('/') || v.split(/[\\/]/).includes('..')) ctx.addIssue({ code: 'custom', message: 'must stay inside packaged runtime assets' });
      else if (!v.startsWith(prefix)) ctx.addIssue({ code: 'custom', message: `must start with '${prefix}'` });
      else if (!v.toLowerCase().endsWith('.md')) ctx.addIssue({ code: 'custom', message: 'must point at a markdown asset' });
    });
}
export const EntrypointPathSchema = assetPath('entrypoints/');
export const SkillPathSchema = assetPath('skills/');

/** A registered stage kind (stages-and-loops.md §3). */
export const StageKindSchema = z
  .strictObject({
    schema_version: z.literal('1.0').default('1.0'),
    kind: z.literal('registered_stage_kind').default('registered_stage_kind'),
    stage_kind_id: CanonicalIdSchema,
    plane: PlaneSchema,
    display_name: z.string().transform((v) => v.replace(/\s+/g, ' ').trim()).pipe(z.string().min(1)),
    default_entrypoint_path: EntrypointPathSchema,
    required_skill_paths: z.array(SkillPathSchema).min(1).transform(unique),
    suggested_skill_paths: z.array(SkillPathSchema).default([]).transform(unique),
    running_status_marker: StatusTokenSchema,
    legal_outcomes: z.array(StatusTokenSchema).min(1).transform(unique),
    success_outcomes: z.array(StatusTokenSchema).min(1).transform(unique),
    failure_outcomes: z.array(StatusTokenSchema).default([]).transform(unique),
    allowed_result_classes_by_outcome: z.record(z.string(), z.array(ResultClassSchema).min(1).transform(unique)),
    allowed_input_artifacts: z.array(CanonicalIdSchema).default([]).transform(unique),
    declared_output_artifacts: z.array(CanonicalIdSchema).default([]).transform(unique),
    idempotence_policy: z.enum(['idempotent', 'retry_safe_with_key', 'single_attempt_only']).default('retry_safe_with_key'),
    allowed_overrides: z.array(z.string()).default([]).transform(unique),
    can_start_tasks: z.boolean().default(false),
    can_start_specs: z.boolean().default(false),
    can_start_incidents: z.boolean().default(false),
    can_start_learning_requests: z.boolean().default(false),
    recovery_role: z.enum(['local_repair', 'escalation']).nullable().default(null),
    closure_role: z.boolean().default(false),
  })
  .superRefine((sk, ctx) => {
    const legal = new Set(sk.legal_outcomes);
    if (!sk.success_outcomes.every((o) => legal.has(o))) ctx.addIssue({ code: 'custom', path: ['success_outcomes'], message: 'success_outcomes must be a subset of legal_outcomes' });
    if (!sk.failure_outcomes.every((o) => legal.has(o))) ctx.addIssue({ code: 'custom', path: ['failure_outcomes'], message: 'failure_outcomes must be a subset of legal_outcomes' });
    const keys = Object.keys(sk.allowed_result_classes_by_outcome);
    if (keys.length !== legal.size || !keys.every((k) => legal.has(k))) {
      ctx.addIssue({ code: 'custom', path: ['allowed_result_classes_by_outcome'], message: 'allowed_result_classes_by_outcome must define one entry for every legal outcome' });
      return;
    }
    for (const [outcome, classes] of Object.entries(sk.allowed_result_classes_by_outcome)) {
      if (outcome === 'BLOCKED') {
        if (!classes.every((c) => c === 'blocked' || c === 'recoverable_failure')) ctx.addIssue({ code: 'custom', path: ['allowed_result_classes_by_outcome', outcome], message: 'BLOCKED may only allow blocked or recoverable_failure' });
      } else if (classes.length !== 1) {
        ctx.addIssue({ code: 'custom', path: ['allowed_result_classes_by_outcome', outcome], message: 'non-BLOCKED outcomes must map to exactly one allowed result class' });
      }
      if (sk.success_outcomes.includes(outcome) && !classes.includes('success')) ctx.addIssue({ code: 'custom', path: ['allowed_result_classes_by_outcome', outcome], message: 'success outcomes must allow success' });
      if (sk.failure_outcomes.includes(outcome) && classes.includes('success')) ctx.addIssue({ code: 'custom', path: ['allowed_result_classes_by_outcome', outcome], message: 'failure outcomes must not allow success' });
    }
  });
export type StageKind = z.infer<typeof StageKindSchema>;
export type StageKindInput = z.input<typeof StageKindSchema>;

export const GraphNodeSchema = z.strictObject({
  node_id: CanonicalIdSchema,
  stage_kind_id: CanonicalIdSchema,
  entrypoint_path: EntrypointPathSchema.nullable().default(null),
  attached_skill_additions: z.array(SkillPathSchema).default([]).transform(unique),
  runner_name: z.string().nullable().default(null),
  model_name: z.string().nullable().default(null),
  timeout_seconds: z.number().int().min(1).max(MAX_TIMER_SECONDS, timerSecondsMessage).nullable().default(null),
});

export const GraphEntrySchema = z.strictObject({
  entry_key: z.enum(['task', 'spec', 'incident', 'closure_target', 'learning_request']),
  node_id: CanonicalIdSchema,
});

export const GraphEdgeSchema = z.strictObject({
  edge_id: CanonicalIdSchema,
  from_node_id: CanonicalIdSchema,
  to_node_id: CanonicalIdSchema.nullable().default(null),
  terminal_state_id: CanonicalIdSchema.nullable().default(null),
  on_outcomes: z.array(StatusTokenSchema).min(1).transform(unique),
  kind: z.enum(['normal', 'retry', 'escalation', 'handoff', 'terminal']).default('normal'),
  priority: z.number().int().default(100),
  description: z.string().nullable().default(null),
  max_attempts: z.number().int().min(1).nullable().default(null),
});

export const TerminalStateSchema = z.strictObject({
  terminal_state_id: CanonicalIdSchema,
  terminal_class: z.enum(['success', 'followup_needed', 'blocked', 'escalate_planning']),
  writes_status: StatusTokenSchema,
  emits_artifacts: z.array(CanonicalIdSchema).default([]).transform(unique),
  ends_plane_run: z.boolean().default(true),
});

export const CounterNameSchema = z.enum(['fix_cycle_count', 'troubleshoot_attempt_count', 'mechanic_attempt_count']);
export type CounterName = z.infer<typeof CounterNameSchema>;

export const ResumePolicySchema = z.strictObject({
  policy_id: CanonicalIdSchema,
  source_node_id: CanonicalIdSchema,
  on_outcome: StatusTokenSchema,
  default_target_node_id: CanonicalIdSchema,
  metadata_stage_keys: z.array(CanonicalIdSchema).default([]).transform(unique),
  disallowed_target_node_ids: z.array(CanonicalIdSchema).default([]).transform(unique),
});

export const ThresholdPolicySchema = z.strictObject({
  policy_id: CanonicalIdSchema,
  source_node_ids: z.array(CanonicalIdSchema).min(1).transform(unique),
  on_outcome: StatusTokenSchema,
  counter_name: CounterNameSchema,
  threshold: z.number().int().min(1),
  exhausted_target_node_id: CanonicalIdSchema.nullable().default(null),
  exhausted_terminal_state_id: CanonicalIdSchema.nullable().default(null),
});

export const CompletionBehaviorSchema = z.looseObject({}).describe('stages-and-loops.md §7; validated by the compiler');

/** A graph loop definition (stages-and-loops.md §4). Structural checks here; stage-kind checks happen in the compiler. */
export const GraphLoopSchema = z
  .strictObject({
    schema_version: z.literal('1.0').default('1.0'),
    kind: z.literal('graph_loop').default('graph_loop'),
    loop_id: CanonicalIdSchema,
    plane: PlaneSchema,
    nodes: z.array(GraphNodeSchema).min(1),
    edges: z.array(GraphEdgeSchema).min(1),
    entry_nodes: z.array(GraphEntrySchema).min(1),
    terminal_states: z.array(TerminalStateSchema).min(1),
    dynamic_policies: z
      .strictObject({
        resume_policies: z.array(ResumePolicySchema).default([]),
        threshold_policies: z.array(ThresholdPolicySchema).default([]),
      })
      .nullable()
      .default(null),
    completion_behavior: CompletionBehaviorSchema.nullable().default(null),
  })
  .superRefine((loop, ctx) => {
    const dup = (values: string[], what: string) => {
      if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', message: `graph loops may not contain duplicate ${what}` });
    };
    dup(loop.nodes.map((n) => n.node_id), 'node ids');
    dup(loop.terminal_states.map((t) => t.terminal_state_id), 'terminal state ids');
    dup(loop.edges.map((e) => e.edge_id), 'edge ids');
    dup(loop.entry_nodes.map((e) => e.entry_key), 'entry keys');
    const policies = loop.dynamic_policies;
    if (policies) dup([...policies.resume_policies, ...policies.threshold_policies].map((p) => p.policy_id), 'dynamic policy ids');
    const nodes = new Set(loop.nodes.map((n) => n.node_id));
    const terminals = new Set(loop.terminal_states.map((t) => t.terminal_state_id));
    for (const entry of loop.entry_nodes) {
      if (!nodes.has(entry.node_id)) ctx.addIssue({ code: 'custom', path: ['entry_nodes'], message: `entry key ${entry.entry_key} references unknown node_id ${entry.node_id}` });
    }
    for (const edge of loop.edges) {
      if (!nodes.has(edge.from_node_id)) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} references unknown from_node_id ${edge.from_node_id}` });
      if (edge.to_node_id !== null && !nodes.has(edge.to_node_id)) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} references unknown to_node_id ${edge.to_node_id}` });
      if (edge.terminal_state_id !== null && !terminals.has(edge.terminal_state_id)) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} references unknown terminal_state_id ${edge.terminal_state_id}` });
      if ((edge.to_node_id === null) === (edge.terminal_state_id === null)) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} must target exactly one node or terminal_state_id` });
      if (edge.kind === 'terminal' && edge.terminal_state_id === null) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} with kind=terminal must target a terminal_state_id` });
      if (edge.kind === 'retry' && edge.max_attempts === null) ctx.addIssue({ code: 'custom', path: ['edges'], message: `retry edge ${edge.edge_id} must declare max_attempts` });
      if (edge.kind !== 'retry' && edge.max_attempts !== null) ctx.addIssue({ code: 'custom', path: ['edges'], message: `edge ${edge.edge_id} may only declare max_attempts when kind=retry` });
    }
    for (const policy of policies?.resume_policies ?? []) {
      if (!nodes.has(policy.source_node_id)) ctx.addIssue({ code: 'custom', message: `resume policy ${policy.policy_id} references unknown source_node_id ${policy.source_node_id}` });
      if (!nodes.has(policy.default_target_node_id)) ctx.addIssue({ code: 'custom', message: `resume policy ${policy.policy_id} references unknown default_target_node_id ${policy.default_target_node_id}` });
    }
    for (const policy of policies?.threshold_policies ?? []) {
      const unknown = policy.source_node_ids.filter((n) => !nodes.has(n));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `threshold policy ${policy.policy_id} references unknown source_node_ids ${unknown.sort().join(', ')}` });
      if ((policy.exhausted_target_node_id === null) === (policy.exhausted_terminal_state_id === null)) ctx.addIssue({ code: 'custom', message: 'threshold policies must define exactly one exhausted target node or terminal state' });
      if (policy.exhausted_target_node_id !== null && !nodes.has(policy.exhausted_target_node_id)) ctx.addIssue({ code: 'custom', message: `threshold policy ${policy.policy_id} references unknown exhausted_target_node_id ${policy.exhausted_target_node_id}` });
      if (policy.exhausted_terminal_state_id !== null && !terminals.has(policy.exhausted_terminal_state_id)) ctx.addIssue({ code: 'custom', message: `threshold policy ${policy.policy_id} references unknown exhausted_terminal_state_id ${policy.exhausted_terminal_state_id}` });
    }
  });
export type GraphLoop = z.infer<typeof GraphLoopSchema>;
export type GraphLoopInput = z.input<typeof GraphLoopSchema>;

/** A mode binds loops per plane and stages to runners/models (stages-and-loops.md §9). */
export const ModeSchema = z
  .strictObject({
    schema_version: z.literal('1.0').default('1.0'),
    kind: z.literal('mode').default('mode'),
    mode_id: CanonicalIdSchema,
    description: z.string().optional(),
    aliases: z.array(CanonicalIdSchema).default([]),
    loop_ids_by_plane: z.partialRecord(PlaneSchema, CanonicalIdSchema),
    stage_entrypoint_overrides: z.record(z.string(), z.string()).default({}),
    stage_skill_additions: z.record(z.string(), z.array(z.string())).default({}),
    stage_model_bindings: z.record(z.string(), z.string()).default({}),
    stage_runner_bindings: z.record(z.string(), z.string()).default({}),
    concurrency_policy: z.unknown().nullable().default(null),
    learning_trigger_rules: z.array(z.unknown()).default([]),
  })
  .superRefine((mode, ctx) => {
    for (const plane of ['execution', 'planning'] as const) {
      const loopId = mode.loop_ids_by_plane[plane];
      if (!loopId) ctx.addIssue({ code: 'custom', path: ['loop_ids_by_plane'], message: `loop_ids_by_plane must include ${plane}` });
      else if (!loopId.startsWith(`${plane}.`)) ctx.addIssue({ code: 'custom', path: ['loop_ids_by_plane', plane], message: `loop id for plane ${plane} must start with '${plane}.'` });
    }
  });
export type Mode = z.infer<typeof ModeSchema>;
export type ModeInput = z.input<typeof ModeSchema>;
