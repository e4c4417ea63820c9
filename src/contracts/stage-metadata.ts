import { StageIdSchema, type Plane, type ResultClass, type StageId, type StageKindInput, type StageName } from '@millrace/plugin-api';

/**
 * The single source of truth for the 12 shipped stages (stages-and-loops.md §2).
 * Stage-kind contributions, prompts, normalization, routing and the entrypoint lint all derive from this table.
 */
export type StageMetadata = {
  stage: StageName;
  plane: Exclude<Plane, 'learning'>;
  runningMarker: string;
  /** Legal outcome -> allowed result classes, in the order the prompt lists them. */
  outcomes: Record<string, ResultClass[]>;
  successOutcomes: string[];
  declaredOutputArtifacts: string[];
  allowedInputArtifacts: string[];
  idempotencePolicy: 'retry_safe_with_key' | 'single_attempt_only';
  canStart: 'tasks' | 'specs' | 'incidents' | null;
  recoveryRole: 'local_repair' | 'escalation' | null;
  closureRole: boolean;
};

const BLOCKED: ResultClass[] = ['blocked', 'recoverable_failure'];

function stage(
  name: StageName,
  plane: 'execution' | 'planning',
  outcomes: Record<string, ResultClass[]>,
  extra: Partial<Omit<StageMetadata, 'stage' | 'plane' | 'outcomes'>> = {},
): StageMetadata {
  const successOutcomes = Object.entries(outcomes)
    .filter(([, classes]) => classes.includes('success'))
    .map(([o]) => o);
  return {
    stage: name,
    plane,
    runningMarker: `${name.toUpperCase()}_RUNNING`,
    outcomes,
    successOutcomes,
    declaredOutputArtifacts: ['stage_result', 'report'],
    allowedInputArtifacts: [],
    idempotencePolicy: 'retry_safe_with_key',
    canStart: null,
    recoveryRole: null,
    closureRole: false,
    ...extra,
  };
}

export const STAGE_METADATA: readonly StageMetadata[] = [
  stage('builder', 'execution', { BUILDER_COMPLETE: ['success'], BLOCKED }, { canStart: 'tasks' }),
  stage('checker', 'execution', { CHECKER_PASS: ['success'], FIX_NEEDED: ['followup_needed'], BLOCKED }),
  stage('fixer', 'execution', { FIXER_COMPLETE: ['success'], BLOCKED }),
  stage('doublechecker', 'execution', { DOUBLECHECK_PASS: ['success'], FIX_NEEDED: ['followup_needed'], BLOCKED }),
  stage('updater', 'execution', { UPDATE_COMPLETE: ['success'], BLOCKED }),
  stage('troubleshooter', 'execution', { TROUBLESHOOT_COMPLETE: ['success'], BLOCKED }, { recoveryRole: 'local_repair' }),
  stage('consultant', 'execution', { CONSULT_COMPLETE: ['success'], NEEDS_PLANNING: ['escalate_planning'], BLOCKED }, { recoveryRole: 'escalation', declaredOutputArtifacts: ['stage_result', 'incident_report'] }),
  stage('planner', 'planning', { PLANNER_COMPLETE: ['success'], BLOCKED }, { canStart: 'specs', declaredOutputArtifacts: ['stage_result', 'spec'] }),
  stage('manager', 'planning', { MANAGER_COMPLETE: ['success'], BLOCKED }, { declaredOutputArtifacts: ['stage_result', 'task_cards'] }),
  stage('mechanic', 'planning', { MECHANIC_COMPLETE: ['success'], BLOCKED }, { recoveryRole: 'local_repair' }),
  stage('auditor', 'planning', { AUDITOR_COMPLETE: ['success'], BLOCKED }, { canStart: 'incidents', declaredOutputArtifacts: ['stage_result', 'incident_report'] }),
  stage('arbiter', 'planning', { ARBITER_COMPLETE: ['success'], REMEDIATION_NEEDED: ['followup_needed'], BLOCKED }, {
    closureRole: true,
    idempotencePolicy: 'single_attempt_only',
    allowedInputArtifacts: ['rubric'],
    declaredOutputArtifacts: ['stage_result', 'rubric', 'verdict', 'report'],
  }),
];

const BY_STAGE = new Map(STAGE_METADATA.map((m) => [m.stage, m]));

export function stageMetadata(stage: string): StageMetadata | undefined {
  return BY_STAGE.get(stage as StageName);
}

/**
 * The stage a node of kind `stageKindId` runs as. A shipped stage's kind id is its name; a plugin-contributed kind runs
 * under its own (canonical) id, with its facts taken from the compiled plan rather than this table.
 */
export function stageForKind(stageKindId: string): StageId {
  return stageMetadata(stageKindId)?.stage ?? StageIdSchema.parse(stageKindId);
}

export const legalOutcomes = (m: StageMetadata): string[] => Object.keys(m.outcomes);
export const legalMarkers = (m: StageMetadata): string[] => legalOutcomes(m).map((o) => `### ${o}`);
export const entrypointPath = (m: StageMetadata): string => `entrypoints/${m.plane}/${m.stage}.md`;
export const coreSkillPath = (m: StageMetadata): string => `skills/stage/${m.plane}/${m.stage}-core/SKILL.md`;

/** The stage-kind definition contributed by the host for one shipped stage. */
export function toStageKind(m: StageMetadata): StageKindInput {
  const outcomes = legalOutcomes(m);
  return {
    schema_version: '1.0',
    kind: 'registered_stage_kind',
    stage_kind_id: m.stage,
    plane: m.plane,
    display_name: m.stage[0]!.toUpperCase() + m.stage.slice(1),
    default_entrypoint_path: entrypointPath(m),
    required_skill_paths: [coreSkillPath(m)],
    suggested_skill_paths: [],
    running_status_marker: m.runningMarker,
    legal_outcomes: outcomes,
    success_outcomes: m.successOutcomes,
    failure_outcomes: outcomes.filter((o) => !m.successOutcomes.includes(o)),
    allowed_result_classes_by_outcome: m.outcomes,
    allowed_input_artifacts: m.allowedInputArtifacts,
    declared_output_artifacts: m.declaredOutputArtifacts,
    idempotence_policy: m.idempotencePolicy,
    allowed_overrides: ['entrypoint_path', 'runner_name', 'model_name', 'timeout_seconds', 'attached_skill_additions'],
    can_start_tasks: m.canStart === 'tasks',
    can_start_specs: m.canStart === 'specs',
    can_start_incidents: m.canStart === 'incidents',
    recovery_role: m.recoveryRole,
    closure_role: m.closureRole,
  };
}
