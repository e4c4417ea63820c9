import { addPauseSource, pauseSourcesLabel, removePauseSource } from '../../../../src/runtime/control/pause-sources.js';

const running = { paused: false, pause_sources: [] as Array<'operator' | 'usage_governance'> };

describe('pause sources', () => {
  it('adds operator once and keeps operator first', () => {
    const a = addPauseSource({ ...running, paused: true, pause_sources: ['usage_governance'] }, 'operator');
    expect(a).toEqual({ snapshot: { paused: true, pause_sources: ['operator', 'usage_governance'] }, changed: true });
    expect(addPauseSource(a.snapshot, 'operator').changed).toBe(false);
  });

  it('resume removes only operator; paused follows the remaining sources', () => {
    const both = { paused: true, pause_sources: ['operator', 'usage_governance'] as Array<'operator' | 'usage_governance'> };
    expect(removePauseSource(both, 'operator')).toEqual({ snapshot: { paused: true, pause_sources: ['usage_governance'] }, changed: true });
    expect(removePauseSource({ paused: true, pause_sources: ['operator'] }, 'operator').snapshot).toEqual({ paused: false, pause_sources: [] });
    expect(removePauseSource(running, 'operator').changed).toBe(false);
  });

  it('labels sources for status', () => {
    expect(pauseSourcesLabel(running)).toBe('none');
    expect(pauseSourcesLabel({ paused: true, pause_sources: [] })).toBe('operator');
    expect(pauseSourcesLabel({ paused: true, pause_sources: ['operator', 'usage_governance'] })).toBe('operator,usage_governance');
  });
});
