/**
 * Wait `ms` between two polls of a follower, or less when `signal` aborts. The abort listener is removed when the
 * wait ends, so a follower that polls for hours does not pile up one listener per poll.
 */
export function waitBeforeNextPoll(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
