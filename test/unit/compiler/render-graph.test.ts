import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { renderGraph } from '../../../src/compiler/render-graph.js';
import type { CompiledPlan } from '../../../src/contracts/compiled-plan.js';
import { compileInputs } from '../../support/compile-inputs.js';

function plan(): CompiledPlan {
  const result = compilePlan(compileInputs());
  if (!result.ok) throw new Error(result.diagnostics.errors.join('\n'));
  return result.plan;
}

describe('renderGraph', () => {
  it('mermaid: one subgraph per plane, every transition, entries, thresholds and the completion entry', () => {
    const text = renderGraph(plan(), 'mermaid');
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).toContain('subgraph execution["execution: execution.standard"]');
    expect(text).toContain('subgraph planning["planning: planning.standard"]');
    expect(text).toContain('execution__entry_task --> execution__builder');
    expect(text).toContain('execution__updater -->|"UPDATE_COMPLETE"| execution__end_update_complete');
    expect(text).toContain('execution__checker -.->|"FIX_NEEDED x2 (fix_cycle_count)"| execution__troubleshooter');
    expect(text).toContain('planning__entry_closure_target -.-> planning__arbiter');
    expect(text).toContain('execution__builder["builder<br/>codex_cli"]');
    expect(text.match(/ -->\|/g)).toHaveLength(17 + 11);
  });

  it('dot: a digraph with one cluster per plane', () => {
    const text = renderGraph(plan(), 'dot');
    expect(text).toMatch(/^digraph "plan-default_codex-[0-9a-f]{12}" \{\n/);
    expect(text).toContain('subgraph "cluster_execution" {');
    expect(text).toContain('execution__builder -> execution__checker [label="BUILDER_COMPLETE"];');
    expect(text).toContain('planning__end_blocked [label="blocked\\n(blocked)", shape=doublecircle];');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('text: one line per transition and policy', () => {
    const text = renderGraph(plan(), 'text');
    expect(text).toContain('  builder --BUILDER_COMPLETE--> checker\n');
    expect(text).toContain('  consultant --NEEDS_PLANNING--> [needs_planning]\n');
    expect(text).toContain('  planner|manager|auditor|mechanic --BLOCKED x2 mechanic_attempt_count--> [blocked]\n');
  });

  it('is deterministic', () => {
    expect(renderGraph(plan(), 'mermaid')).toBe(renderGraph(plan(), 'mermaid'));
  });
});
