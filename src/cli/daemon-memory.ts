import { setFlagsFromString } from 'node:v8';

/**
 * Memory policy of the long-running daemon: a small young generation and a tight old-generation limit.
 *
 * A daemon's resident memory was mostly GC headroom, not live data (about 25-50 MB live):
 * - V8 grows each semi-space up to 16 MB for throughput, although a tick's garbage is small and short-lived;
 * - after each full GC it lets the old generation grow to a multiple of the live size, and stage after stage the
 *   promoted garbage filled that room (old space reached 90 MB before being collected down to 50 MB).
 * With 1,000 tasks x 3 stages (`npm run bench`) peak RSS went from 160-175 MB to about 105-120 MB, and the per-stage
 * overhead did not get worse.
 *
 * - even so, V8 let the old generation grow by at least 8 MB past the live size before a full GC; with
 *   `--optimize-for-size` that step is 2 MB (V8 checks the flag at each GC), which took the peak RSS of 100 tasks x 3
 *   stages from 95 to 84 MB (same sitting) with no measurable change of the per-stage overhead.
 * - TurboFan is off (`--no-opt`, as for the one-shot commands in `bin/run.js`): a stage's JavaScript is small next to
 *   its system calls, and the optimizing compiler's zones and code were resident memory that never paid back. With
 *   150 tasks x 3 stages (same sitting, main's build with and without the flag) peak RSS went from 87.1 to 82.5 MB
 *   (40 tasks: 85.6/83.2 to 81/80 MB) and the daemon's own CPU per stage from 49.9 to 41 ms (loaded machine; no
 *   worse within its noise). Functions optimized before the flag is set stay optimized; no new ones are.
 * The flags are read by V8 each time it resizes the heap or decides to optimize, so setting them after start-up
 * takes effect. A Node version that ignored them would only use more memory.
 */
export function applyDaemonMemoryPolicy(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=20');
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--no-opt');
}

/**
 * `run once`'s share of that policy: `--optimize-for-size` only (its start-up already runs with the small young
 * generation and without TurboFan, bin/run.js). Its claim over 10,000 queued tasks promotes the listing's short-lived
 * arrays to the old generation, which V8 otherwise let grow by about 8 MB past the live size before collecting it.
 * Set when the command starts, before the runtime opens; V8 reads it at each GC.
 */
export function applyRunOnceMemoryPolicy(): void {
  setFlagsFromString('--optimize-for-size');
}
