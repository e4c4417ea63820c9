import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { LogsResult } from '../views/logs.js';

export type { LogsResult };

export default class Logs extends BaseCommand {
  static override summary = 'The runtime events log as readable lines (NDJSON with --json), optionally followed live.';
  static override description =
    'Reads millrace-agents/logs/runtime_events.jsonl and its rotated files, oldest first. --json prints one event per line exactly as logged (NDJSON), not an envelope. --follow keeps printing new events until interrupted.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> logs', '<%= config.bin %> logs --follow --type stage_completed --type runner_stalled', '<%= config.bin %> logs --item task-001 --since 2h --json'];
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new events as they are appended.' }),
    type: Flags.string({ summary: 'Only events of this type (repeatable).', multiple: true }),
    item: Flags.string({ summary: 'Only events naming this work item (`task-001` or `task:task-001`).' }),
    since: Flags.string({ summary: 'Only events from this ISO date/time, or within a span back from now (90m, 12h, 7d).' }),
  };

  async run(): Promise<undefined> {
    const { flags } = await this.parse(Logs);
    const { requireInitializedWorkspace } = await import('../workspace/initialized.js');
    const { followLogs, readLogs, renderEventLine } = await import('../views/logs.js');
    const paths = requireInitializedWorkspace(flags.workspace);
    const filters = { types: flags.type ?? [], item: flags.item ?? null, since: flags.since ?? null };
    const print = (event: Parameters<typeof renderEventLine>[0]) => (this.jsonEnabled() ? process.stdout.write(`${JSON.stringify(event)}\n`) : this.log(renderEventLine(event)));
    if (!flags.follow) {
      for (const event of (await readLogs(paths, filters, new Date())).events) print(event);
      return undefined;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for await (const event of followLogs(paths, filters, { pollMs: 300, signal: stop.signal, now: new Date() })) print(event);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return undefined;
  }
}
