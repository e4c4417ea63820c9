import { pauseWait } from '../../../src/cli/progress.js';

describe('live view: what a paused runtime waits for', () => {
  const governance = { summary: ['burst (rolling 1m): tokens 2,200/2,000'], next_auto_resume_at: '2026-12-05T21:00:00.000Z' };

  it('an operator pause waits for resume', () => {
    expect(pauseWait({ pause_sources: ['operator'] })).toBe('waiting for resume');
  });

  it('a governance pause names the limit, used vs limit and when it lifts', () => {
    expect(pauseWait({ pause_sources: ['usage_governance'], usage_governance: governance })).toBe('budget reached: burst (rolling 1m): tokens 2,200/2,000; resumes automatically at 2026-12-05T21:00:00.000Z');
    expect(pauseWait({ pause_sources: ['usage_governance'], usage_governance: { ...governance, next_auto_resume_at: null } })).toBe('budget reached: burst (rolling 1m): tokens 2,200/2,000; no automatic resume (resume --force lifts it)');
  });

  it('both sources: the operator resume and the budget', () => {
    expect(pauseWait({ pause_sources: ['operator', 'usage_governance'], usage_governance: governance })).toBe('waiting for resume; budget reached: burst (rolling 1m): tokens 2,200/2,000; resumes automatically at 2026-12-05T21:00:00.000Z');
  });

  it('limits reset while auto_resume is off', () => {
    expect(pauseWait({ pause_sources: ['usage_governance'], usage_governance: { summary: [], next_auto_resume_at: null } })).toBe('budget limits reset, waiting for resume');
  });
});
