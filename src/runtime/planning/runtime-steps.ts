import type { Registry } from '../../registry/registry.js';
import { createClosureSteps } from '../closure/closure-steps.js';
import { applyMailboxIntake } from '../control/mailbox-intake.js';
import { createMailboxDrainStep } from '../control/mailbox-step.js';
import { createReloadHandler } from '../control/reload-step.js';
import { createIdeaIntake } from '../intake/intake-step.js';
import type { QueuePort } from '../queue-port.js';
import type { TickSteps } from '../tick-steps.js';
import { afterPlanningResult } from './planning-steps.js';
import { watchPlanningStage } from './stage-output.js';

export type RuntimeStepsOptions = {
  queue: QueuePort;
  registry: Registry;
  /** The registry a config reload compiles with (default `registry`). */
  reloadRegistry?: () => Promise<Registry>;
  modeOverride: string | null;
  /** Wake a sleeping daemon when an idea lands in the inbox. */
  onIdea?: () => void;
  /** Watch the ideas inbox after its first read (default true); `run once` only reads it. */
  watchIdeas?: boolean;
};

/** Every planning/control seam of the tick: mailbox, idea intake, closure targets and planning-output checks. */
export function createRuntimeSteps(options: RuntimeStepsOptions): { steps: TickSteps; close(): Promise<void> } {
  const intake = createIdeaIntake({ onIdea: options.onIdea, watch: options.watchIdeas });
  return {
    steps: {
      drainMailbox: createMailboxDrainStep({ queue: options.queue, reloadConfig: createReloadHandler(options.reloadRegistry ?? (async () => options.registry), options.modeOverride), intake: applyMailboxIntake }),
      intake: intake.step,
      ...createClosureSteps(options.queue),
      afterPlanningResult,
      watchPlanningStage: (ctx, run) => watchPlanningStage(ctx.paths, run),
    },
    close: () => intake.close(),
  };
}
