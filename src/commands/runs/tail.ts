import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { RunsTailResult } from '../../views/runs.js';

export type { RunsTailResult };
export type { RunOutputChunk } from '../../views/run-follow.js';

export default class RunsTail extends BaseCommand {
  static override summary = "Print a run's most useful artifact (the running stage's output, troubleshoot report, stdout, stderr, or last stage result).";
  static override description =
    'With --follow, a running run is followed live: its running stage\'s output as it is written, then each later stage of the run, until the run ends (then the command exits 0). With --json and --follow, one JSON object per line ({run_id, request_id, stage, text}).';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> runs tail latest', '<%= config.bin %> runs tail 8230b93d --follow'];
  static override args = { run_id: Args.string({ required: true, description: 'Run id: the full id, any unique prefix or `latest`.' }) };
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing the running stage\'s output until the run ends.' }),
  };

  async run(): Promise<RunsTailResult | undefined> {
    const { flags, args } = await this.parse(RunsTail);
    const { tailRun, resolveRun } = await import('../../views/runs.js');
    if (flags.follow) {
      const { readLiveRuns } = await import('../../views/run-list.js');
      const { paths, runId } = await resolveRun(flags.workspace, args.run_id);
      if ((await readLiveRuns(paths)).has(runId)) {
        const { followRunOutput } = await import('../../views/run-follow.js');
        let request: string | null = null;
        for await (const chunk of followRunOutput(paths, runId, { pollMs: 250 })) {
          if (this.jsonEnabled()) {
            process.stdout.write(`${JSON.stringify(chunk)}\n`);
            continue;
          }
          if (request !== null && chunk.request_id !== request) this.writeText(`\n--- ${chunk.stage ?? 'next stage'} (${chunk.request_id})\n`);
          request = chunk.request_id;
          this.writeText(chunk.text);
        }
        return undefined;
      }
    }
    const result = await tailRun(flags.workspace, args.run_id);
    this.writeText(result.content);
    return result;
  }
}
