import type { PauseSource, RuntimeSnapshot } from '../../contracts/runtime-state.js';

const ORDER: readonly PauseSource[] = ['operator', 'usage_governance'];

type PauseFields = Pick<RuntimeSnapshot, 'paused' | 'pause_sources'>;

function withSources<S extends PauseFields>(snapshot: S, sources: PauseSource[]): S {
  const ordered = ORDER.filter((s) => sources.includes(s));
  return { ...snapshot, pause_sources: ordered, paused: ordered.length > 0 };
}

/** Add a pause source; `changed` is false when it was already present (runtime.md §5.4). */
export function addPauseSource<S extends PauseFields>(snapshot: S, source: PauseSource): { snapshot: S; changed: boolean } {
  const changed = !snapshot.pause_sources.includes(source);
  return { snapshot: withSources(snapshot, [...snapshot.pause_sources, source]), changed };
}

/** Remove one pause source, leaving the others (resume never clears `usage_governance`). */
export function removePauseSource<S extends PauseFields>(snapshot: S, source: PauseSource): { snapshot: S; changed: boolean } {
  const changed = snapshot.pause_sources.includes(source);
  return { snapshot: withSources(snapshot, snapshot.pause_sources.filter((s) => s !== source)), changed };
}

/** `operator,usage_governance` | `operator` | `none` (status display rule). */
export function pauseSourcesLabel(snapshot: PauseFields): string {
  if (!snapshot.paused) return 'none';
  return snapshot.pause_sources.length > 0 ? snapshot.pause_sources.join(',') : 'operator';
}
