import { MAX_TIMER_SECONDS, timerSecondsMessage } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

/** `[runners.command]`: any executable as a stage runner. */
export const CommandRunnerConfigSchema = z.strictObject({
  command: z.string().trim().min(1, 'must name an executable'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  /** Overrides the stage's compiled timeout (seconds) for every stage when set. */
  timeout_seconds: z.number().int().positive().max(MAX_TIMER_SECONDS, timerSecondsMessage).optional(),
});
export type CommandRunnerConfig = z.infer<typeof CommandRunnerConfigSchema>;
