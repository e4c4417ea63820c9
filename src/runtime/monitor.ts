/** Monitor events (runtime.md §12): a headless sink the command renders (basic lines, listr2 progress). */
export type MonitorEvent = { event_type: string; occurred_at: Date; payload: Record<string, unknown> };
export type MonitorSink = (event: MonitorEvent) => void;
