import { getEventListeners } from 'node:events';
import { waitBeforeNextPoll } from '../../../src/views/poll-wait.js';

describe('the wait between two polls of a follower', () => {
  it('leaves no abort listener behind however many polls it waits', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 25; i += 1) await waitBeforeNextPoll(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = waitBeforeNextPoll(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
