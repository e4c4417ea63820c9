/** What happened to a stage's agent process by the time it ended. */
export type StageDeadline = {
  /** The stage timeout passed and the agent was asked to stop. */
  readonly timedOut: boolean;
  /** The abort signal (an operator stop, the host's stall guard) fired and the agent was asked to stop. */
  readonly aborted: boolean;
  /** The agent outlived its grace after the stop request and was killed. */
  readonly forcedKill: boolean;
  /** The agent ended: clear the timers and the abort listener (call it exactly once, whatever the outcome). */
  settle(): void;
};

export type StageDeadlineOptions = {
  /** Resolves when the agent itself started; the timeout counts from there, not from its supervisor's start. */
  started: Promise<void>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Ask the agent to stop, on a timeout or an abort, at most once. */
  requestStop(): void;
  /** When given, `forceKill` runs if the agent is still running `graceMs` after the stop request. */
  grace?: { ms: number; forceKill(): void };
};

/**
 * The timeout and abort handling every runner needs around its agent process: arm the stage timeout once the agent
 * started, turn a timeout or an abort into one stop request, and escalate to a kill after a grace period.
 */
export function armStageDeadline(options: StageDeadlineOptions): StageDeadline {
  let timedOut = false;
  let aborted = false;
  let forcedKill = false;
  let stopping = false;
  let settled = false;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const stop = () => {
    if (stopping || settled) return;
    stopping = true;
    const grace = options.grace;
    if (grace) {
      graceTimer = setTimeout(() => {
        forcedKill = true;
        grace.forceKill();
      }, grace.ms);
    }
    options.requestStop();
  };
  void options.started.then(() => {
    if (settled) return;
    timeoutTimer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
  });
  const onAbort = () => {
    aborted = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    get timedOut() {
      return timedOut;
    },
    get aborted() {
      return aborted;
    },
    get forcedKill() {
      return forcedKill;
    },
    settle() {
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
    },
  };
}
