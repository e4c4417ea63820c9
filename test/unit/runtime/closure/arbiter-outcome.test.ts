import { buildArbiterGapIncident, decideArbiterOutcome, remediationGuardFires } from '../../../../src/runtime/decide/arbiter-outcome.js';
import { anOpenTarget } from './lineage-fixtures.js';

const base = { runId: 'run-b', now: '2026-01-02T00:00:00.000Z', verdictPath: 'millrace-agents/arbiter/verdicts/idea-seed.json', reportPath: 'millrace-agents/arbiter/reports/run-b.md', guardFires: false };

describe('decideArbiterOutcome', () => {
  it('ARBITER_COMPLETE closes the target and idles planning', () => {
    const d = decideArbiterOutcome({ ...base, target: anOpenTarget(), outcome: 'ARBITER_COMPLETE' });
    expect(d).toMatchObject({ effect: 'closed', failureClass: null, planningMarker: '### IDLE' });
    expect(d.target).toMatchObject({ closure_open: false, closed_at: base.now, last_arbiter_run_id: 'run-b', latest_verdict_path: base.verdictPath, latest_report_path: base.reportPath });
  });

  it('REMEDIATION_NEEDED keeps it open and asks for an incident', () => {
    const d = decideArbiterOutcome({ ...base, target: anOpenTarget(), outcome: 'REMEDIATION_NEEDED' });
    expect(d).toMatchObject({ effect: 'remediation_incident', failureClass: 'arbiter_parity_gap', planningMarker: null, target: { closure_open: true, closed_at: null } });
  });

  it('a repeated REMEDIATION_NEEDED with no execution in between blocks planning instead', () => {
    const d = decideArbiterOutcome({ ...base, target: anOpenTarget(), outcome: 'REMEDIATION_NEEDED', guardFires: true });
    expect(d).toMatchObject({ effect: 'remediation_guard_blocked', failureClass: 'closure_repeated_remediation_without_execution', planningMarker: '### BLOCKED' });
  });

  it('BLOCKED keeps the target open without new work, with null paths when nothing was written', () => {
    const d = decideArbiterOutcome({ ...base, verdictPath: null, reportPath: null, target: anOpenTarget(), outcome: 'BLOCKED' });
    expect(d).toMatchObject({ effect: 'blocked', failureClass: 'arbiter_blocked', target: { closure_open: true, latest_verdict_path: null, latest_report_path: null } });
  });
});

describe('remediationGuardFires', () => {
  const ev = (event_type: string, data: Record<string, unknown>) => ({ event_type, data });

  it('never fires on the first Arbiter pass', () => {
    expect(remediationGuardFires([], null)).toBe(false);
  });

  it('fires when no execution stage completed after the previous Arbiter run', () => {
    const events = [ev('stage_completed', { run_id: 'run-x', plane: 'execution' }), ev('stage_started', { run_id: 'run-a', plane: 'planning' }), ev('stage_completed', { run_id: 'run-a', plane: 'planning' }), ev('stage_completed', { run_id: 'run-p', plane: 'planning' })];
    expect(remediationGuardFires(events, 'run-a')).toBe(true);
  });

  it('does not fire once execution ran after the previous Arbiter run', () => {
    const events = [ev('stage_started', { run_id: 'run-a', plane: 'planning' }), ev('stage_completed', { run_id: 'run-t', plane: 'execution' })];
    expect(remediationGuardFires(events, 'run-a')).toBe(false);
  });

  it('fires when the previous run is missing from the history', () => {
    expect(remediationGuardFires([ev('stage_completed', { run_id: 'run-t', plane: 'execution' })], 'run-gone')).toBe(true);
  });
});

describe('buildArbiterGapIncident', () => {
  it('carries the lineage so the incident is claimed inside the closure scope', () => {
    const incident = buildArbiterGapIncident({ target: anOpenTarget(), runId: 'run-b', now: base.now, suffix: 'abcd1234', notes: ['gap'], evidencePaths: ['a', 'a', ''], lastStageResultPath: 'x.json' });
    expect(incident).toMatchObject({
      incident_id: 'arbiter-gap-idea-seed-abcd1234',
      root_spec_id: 'idea-seed',
      source_spec_id: 'idea-seed',
      source_stage: 'arbiter',
      failure_class: 'arbiter_parity_gap',
      trigger_reason: 'arbiter_remediation_needed',
      evidence_paths: ['a'],
      related_run_ids: ['run-b'],
      related_stage_results: ['x.json'],
    });
  });
});
