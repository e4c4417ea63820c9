type RunControls = { requestStop(reason: string): void; abandon(): void };

/**
 * Ctrl-C (SIGINT) and SIGTERM for `run once` and `run daemon`, listened to from creation: the first is acknowledged at
 * once on stderr and asks for a stop after the running stage; the second abandons the running stage (its item is
 * requeued). The runtime's controls are attached once it exists; `interrupted` says whether any signal came (the
 * command then exits 130).
 */
export function handleInterrupts(): { attach(controls: RunControls): void; readonly interrupted: boolean; dispose(): void } {
  let signals = 0;
  let controls: RunControls | null = null;
  const apply = () => {
    if (signals === 1) controls?.requestStop('signal');
    else if (signals > 1) controls?.abandon();
  };
  const onSignal = () => {
    signals++;
    process.stderr.write(signals === 1 ? 'finishing the current stage; Ctrl-C again to abandon\n' : 'abandoning the current stage; its work item is requeued\n');
    apply();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    attach(c) {
      controls = c;
      if (signals > 0) c.requestStop('signal');
      if (signals > 1) c.abandon();
    },
    get interrupted() {
      return signals > 0;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
