import { getEventListeners } from 'node:events';
import { armStageDeadline } from '../../src/stage-deadline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder() {
  const calls: string[] = [];
  return { calls, requestStop: () => calls.push('stop'), forceKill: () => calls.push('kill') };
}

describe('the stage deadline around an agent process', () => {
  it('counts the timeout from the agent start, asks it to stop once, then kills it after the grace', async () => {
    const r = recorder();
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    const deadline = armStageDeadline({ started, timeoutMs: 20, requestStop: r.requestStop, grace: { ms: 20, forceKill: r.forceKill } });
    await sleep(60);
    expect(r.calls).toEqual([]); // not started yet: no timeout runs
    start();
    await sleep(30);
    expect(r.calls).toEqual(['stop']);
    expect(deadline.timedOut).toBe(true);
    expect(deadline.forcedKill).toBe(false);
    await sleep(40);
    expect(r.calls).toEqual(['stop', 'kill']);
    expect([deadline.timedOut, deadline.aborted, deadline.forcedKill]).toEqual([true, false, true]);
    deadline.settle();
  });

  it('an abort asks for a stop at once, even before the agent started, and a later timeout asks no second time', async () => {
    const r = recorder();
    const controller = new AbortController();
    controller.abort();
    const deadline = armStageDeadline({ started: Promise.resolve(), timeoutMs: 10, signal: controller.signal, requestStop: r.requestStop });
    expect(r.calls).toEqual(['stop']);
    await sleep(40);
    expect(r.calls).toEqual(['stop']);
    expect([deadline.timedOut, deadline.aborted]).toEqual([true, true]);
    deadline.settle();
  });

  it('once settled, nothing fires: no timeout, no kill, no abort listener left', async () => {
    const r = recorder();
    const controller = new AbortController();
    const deadline = armStageDeadline({ started: Promise.resolve(), timeoutMs: 20, signal: controller.signal, requestStop: r.requestStop, grace: { ms: 10, forceKill: r.forceKill } });
    await sleep(0);
    deadline.settle();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    await sleep(50);
    expect(r.calls).toEqual([]);
    expect([deadline.timedOut, deadline.aborted, deadline.forcedKill]).toEqual([false, false, false]);
  });
});
