/**
 * Rate-limits a stream of values to at most one emit per `intervalMs`: the first value goes out at once, later ones
 * within the interval are coalesced and the latest is emitted when the interval ends. `flush` emits a pending value
 * now; `close` drops it and stops the timer.
 */
export function createThrottle<T>(emit: (value: T) => void, intervalMs: number): { push(value: T): void; flush(): void; close(): void } {
  let lastEmit = -Infinity;
  let pending: { value: T } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const send = (value: T) => {
    lastEmit = Date.now();
    emit(value);
  };
  const fire = () => {
    timer = null;
    if (pending) {
      const { value } = pending;
      pending = null;
      send(value);
    }
  };
  return {
    push(value) {
      const wait = lastEmit + intervalMs - Date.now();
      if (wait <= 0 && !timer) {
        send(value);
        return;
      }
      pending = { value };
      if (!timer) timer = setTimeout(fire, Math.max(0, wait)).unref();
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
