import type { Plane, StageId } from '@millrace/plugin-api';
import { normalizeFailureClass, type RecoveryCounters, type RuntimeSnapshot, type StageResultEnvelope } from '../../contracts/runtime-state.js';
import { stageForKind } from '../../contracts/stage-metadata.js';
import { graphFor, type PlanGraph, type PlanThresholdPolicy, type RuntimePlan } from '../plan-view.js';

export type RouterAction = 'run_stage' | 'handoff' | 'idle' | 'blocked';

/** What happens after a stage result (routing.md §1). */
export type RouterDecision = {
  action: RouterAction;
  next_plane: Plane | null;
  next_stage: StageId | null;
  next_node_id: string | null;
  next_stage_kind_id: string | null;
  reason: string;
  failure_class: string | null;
  counter_key: string | null;
  create_incident: boolean;
};

/** Thrown when a result cannot be routed; the engine turns it into runtime error recovery (routing.md §10). */
export class RoutingError extends Error {
  override name = 'RoutingError';
}

export type RouteInput = {
  plan: RuntimePlan;
  /** The snapshot projected onto the result's plane (its active run is the legacy `active_*` view). */
  snapshot: RuntimeSnapshot;
  result: StageResultEnvelope;
  counters: RecoveryCounters;
};

const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';

function validate({ snapshot: s, result: r }: RouteInput): void {
  const fail = (what: string) => {
    throw new RoutingError(`stage result ${what} does not match the active run`);
  };
  if (s.active_plane !== r.plane) fail('plane');
  if (s.active_stage !== r.stage) fail('stage');
  if (s.active_node_id !== null && s.active_node_id !== r.node_id) fail('node_id');
  if (s.active_stage_kind_id !== null && s.active_stage_kind_id !== r.stage_kind_id) fail('stage_kind_id');
  if (s.active_run_id !== r.run_id) fail('run_id');
  if (r.metadata.request_kind === 'closure_target') {
    if (s.active_work_item_kind !== null) fail('request kind');
    if (r.work_item_kind !== 'spec' || blank(r.metadata.closure_target_root_spec_id) || r.metadata.closure_target_root_spec_id !== r.work_item_id) fail('closure target');
  } else if (s.active_work_item_kind !== r.work_item_kind || s.active_work_item_id !== r.work_item_id) {
    fail('work item');
  }
}

/** Pure router over the compiled graph (routing.md §2). Throws RoutingError on inconsistent input. */
export function decideRoute(input: RouteInput): RouterDecision {
  validate(input);
  const { plan, snapshot, result, counters } = input;
  const graph = graphFor(plan, result.plane);
  if (!graph) throw new RoutingError(`compiled plan has no ${result.plane} graph`);
  const source = result.stage_kind_id;
  const sourceNode = result.node_id;
  const outcome = result.terminal_result;
  const isClosure = result.metadata.request_kind === 'closure_target';
  const workItem = isClosure || snapshot.active_work_item_kind === null ? null : { kind: snapshot.active_work_item_kind, id: snapshot.active_work_item_id as string };

  const resolve = (fallback: string): string => {
    const candidates = [result.metadata.failure_class, snapshot.current_failure_class, fallback];
    const first = candidates.find((c): c is string => !blank(c)) as string;
    return normalizeFailureClass(first);
  };
  const attempts = (fc: string): number => {
    if (!workItem) return 0;
    const entry = counters.entries.find((e) => e.work_item_kind === workItem.kind && e.work_item_id === workItem.id && normalizeFailureClass(e.failure_class) === fc);
    if (!entry) return 0;
    return result.plane === 'planning' ? entry.mechanic_attempt_count : entry.troubleshoot_attempt_count;
  };
  const counterKey = (fc: string | null) => (workItem && fc ? `${workItem.kind}:${workItem.id}:${fc}` : null);
  const policyFor = (counter: PlanThresholdPolicy['counter_name']) =>
    graph.compiled_threshold_policies.find((p) => p.counter_name === counter && p.on_outcome === outcome && p.source_node_ids.includes(sourceNode));

  const toNode = (nodeId: string, reason: string, fc: string | null): RouterDecision => {
    const node = graph.nodes.find((n) => n.node_id === nodeId);
    if (!node) throw new RoutingError(`compiled ${graph.plane} graph has no node ${nodeId}`);
    return {
      action: 'run_stage',
      next_plane: graph.plane,
      next_stage: stageOf(node.stage_kind_id),
      next_node_id: node.node_id,
      next_stage_kind_id: node.stage_kind_id,
      reason,
      failure_class: fc,
      counter_key: counterKey(fc),
      create_incident: false,
    };
  };
  const threshold = (policy: PlanThresholdPolicy, reason: string, fc: string): RouterDecision => {
    if (policy.exhausted_target_node_id) return toNode(policy.exhausted_target_node_id, reason, fc);
    return { ...terminalDecision('blocked', `${reason}:mechanic_attempts_exhausted`, fc), counter_key: counterKey(fc) };
  };

  if (result.plane === 'execution' || result.plane === 'learning') {
    if (outcome === 'FIX_NEEDED') {
      const policy = policyFor('fix_cycle_count');
      if (policy && snapshot.fix_cycle_count >= policy.threshold) return threshold(policy, 'fix_cycle_exhausted', resolve('fix_cycle_exhausted'));
    } else if (outcome === 'BLOCKED' && source !== 'consultant') {
      const fc = resolve(`${source}_blocked`);
      const policy = policyFor('troubleshoot_attempt_count');
      if (policy && attempts(fc) >= policy.threshold) return threshold(policy, `${source}_blocked`, fc);
    }
  } else if (outcome === 'BLOCKED') {
    const fc = resolve(`${source}_blocked`);
    const policy = policyFor('mechanic_attempt_count');
    if (policy && attempts(fc) >= policy.threshold) return threshold(policy, `${source}_blocked`, fc);
  }

  const resume = graph.compiled_resume_policies.find((p) => p.source_node_id === sourceNode && p.on_outcome === outcome);
  if (resume) {
    let target = resume.default_target_node_id;
    for (const key of resume.metadata_stage_keys) {
      const value = result.metadata[key];
      if (typeof value !== 'string') continue;
      const wanted = value.trim().toLowerCase();
      if (graph.nodes.some((n) => n.node_id === wanted) && !resume.disallowed_target_node_ids.includes(wanted)) {
        target = wanted;
        break;
      }
    }
    return toNode(target, RESUME_REASONS[source] ?? `${source}:${outcome}`, null);
  }

  const transition = pickTransition(graph, sourceNode, outcome);
  if (!transition) throw new RoutingError(`no compiled transition from ${sourceNode} on ${outcome}`);
  if (transition.target_node_id) {
    if (outcome === 'FIX_NEEDED') return toNode(transition.target_node_id, 'fix_needed', null);
    if (outcome === 'BLOCKED') {
      const fc = resolve(`${source}_blocked`);
      return toNode(transition.target_node_id, `${source}_blocked`, fc);
    }
    return toNode(transition.target_node_id, `${source}:${outcome}`, null);
  }
  const terminal = graph.terminal_states.find((t) => t.terminal_state_id === transition.terminal_state_id);
  return decideTerminal(source, outcome, terminal?.terminal_class ?? null, resolve, counterKey);
}

const RESUME_REASONS: Record<string, string> = {
  troubleshooter: 'troubleshoot_complete',
  consultant: 'consultant_local_recovery',
  mechanic: 'mechanic_complete',
};

function stageOf(stageKind: string): StageId {
  try {
    return stageForKind(stageKind);
  } catch {
    throw new RoutingError(`stage kind ${stageKind} has no runtime stage`);
  }
}

function pickTransition(graph: PlanGraph, sourceNode: string, outcome: string) {
  const matches = graph.compiled_transitions.filter((t) => t.source_node_id === sourceNode && t.outcome === outcome);
  return [...matches].sort((a, b) => a.priority - b.priority)[0];
}

/** Pure: `decision` turned into `blocked` (no next stage) for the given reason; its other fields are kept unless `change` sets them. */
export function blockedInstead(decision: RouterDecision, change: Pick<RouterDecision, 'reason' | 'failure_class' | 'create_incident'> & Partial<Pick<RouterDecision, 'counter_key'>>): RouterDecision {
  return { ...decision, action: 'blocked', next_plane: null, next_stage: null, next_node_id: null, next_stage_kind_id: null, ...change };
}

function terminalDecision(action: 'idle' | 'blocked' | 'handoff', reason: string, fc: string | null): RouterDecision {
  const handoff = action === 'handoff';
  return {
    action,
    next_plane: handoff ? 'planning' : null,
    next_stage: handoff ? 'auditor' : null,
    next_node_id: null,
    next_stage_kind_id: null,
    reason,
    failure_class: fc,
    counter_key: null,
    create_incident: false,
  };
}

function decideTerminal(
  source: string,
  outcome: string,
  terminalClass: string | null,
  resolve: (fallback: string) => string,
  counterKey: (fc: string | null) => string | null,
): RouterDecision {
  const key = `${source}:${outcome}`;
  switch (key) {
    case 'updater:UPDATE_COMPLETE':
      return terminalDecision('idle', 'updater_complete', null);
    case 'manager:MANAGER_COMPLETE':
      return terminalDecision('idle', 'manager_complete', null);
    case 'arbiter:ARBITER_COMPLETE':
      return terminalDecision('idle', 'arbiter_complete', null);
    case 'consultant:NEEDS_PLANNING':
      return { ...terminalDecision('handoff', 'consultant_needs_planning', null), create_incident: true };
    case 'consultant:BLOCKED':
      return terminalDecision('blocked', 'consultant_blocked', null);
    case 'arbiter:REMEDIATION_NEEDED':
      return { ...terminalDecision('handoff', 'arbiter_remediation_needed', 'arbiter_parity_gap'), create_incident: true };
    case 'arbiter:BLOCKED':
      return terminalDecision('blocked', 'arbiter_blocked', resolve('arbiter_blocked'));
  }
  // Terminal edges of contributed loops route by the terminal state's class.
  if (terminalClass === 'success') return terminalDecision('idle', `${source}:${outcome}`, null);
  if (terminalClass === 'blocked') {
    const fc = resolve(`${source}_blocked`);
    return { ...terminalDecision('blocked', `${source}_blocked`, fc), counter_key: counterKey(fc) };
  }
  if (terminalClass === 'escalate_planning') return { ...terminalDecision('handoff', `${source}:${outcome}`, null), create_incident: true };
  throw new RoutingError(`terminal transition ${key} has no routing rule`);
}
