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
 * The flags are read by V8 each time it resizes the heap, so setting them after start-up takes effect. A Node
 * version that ignored them would only use more memory.
 */
export function applyDaemonMemoryPolicy(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=20');
  setFlagsFromString('--optimize-for-size');
}
