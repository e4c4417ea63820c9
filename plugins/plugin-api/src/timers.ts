/**
 * The longest delay a Node.js timer holds: 2^31 - 1 ms (about 24.8 days). A longer setTimeout fires after 1 ms,
 * so every timeout or sleep a config or contract can set is bounded by these, checked by its schema.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** MAX_TIMER_MS in whole seconds (2147483), for `*_seconds` fields. */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export const timerMsMessage = `must be at most ${MAX_TIMER_MS} ms (the longest timer Node.js holds)`;
export const timerSecondsMessage = `must be at most ${MAX_TIMER_SECONDS} seconds (the longest timer Node.js holds)`;
