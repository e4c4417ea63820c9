import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MonitorSink } from '../runtime/monitor.js';
import { createBasicMonitorFormatter } from './monitor-lines.js';
import { createStageProgress } from './progress.js';
import { safeTerminalText } from './terminal-text.js';

/** Everything `run daemon` prints while running: basic monitor lines (stdout and/or a log file) or listr2 progress. */
export async function createRunRenderer(options: { basic: boolean; logPath: string | null; progress: boolean }): Promise<{ sink: MonitorSink; close(): Promise<void> }> {
  const format = createBasicMonitorFormatter();
  if (options.logPath) mkdirSync(dirname(options.logPath), { recursive: true });
  const progress = options.progress ? await createStageProgress() : null;
  return {
    sink: (event) => {
      if (options.basic || options.logPath) {
        const lines = format(event);
        if (lines.length) {
          const text = safeTerminalText(lines.map((l) => `${l}\n`).join(''));
          if (options.basic) process.stdout.write(text);
          if (options.logPath) appendFileSync(options.logPath, text);
        }
      }
      progress?.onEvent(event);
    },
    close: async () => {
      await progress?.finish();
    },
  };
}
