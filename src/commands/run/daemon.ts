import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { applyDaemonMemoryPolicy } from '../../cli/daemon-memory.js';
import { handleInterrupts } from '../../cli/interrupt.js';
import { MillraceError, OUTCOME_EXIT_CODES } from '../../errors/index.js';
import type { RunDaemonResult } from '../../runtime/run-use-cases.js';

export type { RunDaemonResult };

export default class RunDaemon extends BaseCommand {
  static override summary = 'Run the runtime loop: claim work and run stages until stopped.';
  static override description =
    'Ctrl-C (SIGINT) or SIGTERM once: finish the running stage, then stop between stages (the next start continues each item with its next stage; an operator pause stays). Twice: abandon the running stage now (its item is requeued).';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> run daemon', '<%= config.bin %> run daemon --max-ticks 10 --monitor basic'];
  static override flags = {
    mode: Flags.string({ summary: 'Mode id overriding runtime.default_mode.' }),
    'max-ticks': Flags.integer({ summary: 'Stop after this many ticks (each runs at most one stage).', min: 1 }),
    monitor: Flags.string({ summary: 'Progress lines: none or basic.', default: 'none' }),
    'monitor-log': Flags.string({ summary: 'Append basic monitor lines to this file.' }),
  };

  async run(): Promise<RunDaemonResult> {
    const { flags } = await this.parse(RunDaemon);
    const monitorMode = flags.monitor.toLowerCase();
    if (monitorMode !== 'none' && monitorMode !== 'basic') throw new MillraceError('USAGE', `unknown monitor mode: ${flags.monitor}`, { field: 'monitor' });
    applyDaemonMemoryPolicy();
    const { runDaemon } = await import('../../runtime/run-use-cases.js');
    const { createRunRenderer } = await import('../../cli/run-renderer.js');
    const renderer = await createRunRenderer({ basic: monitorMode === 'basic', logPath: flags['monitor-log'] ?? null, progress: !this.jsonEnabled() && monitorMode === 'none' });
    const interrupts = handleInterrupts();
    const result = await runDaemon({
      workspace: flags.workspace,
      registry: await this.registry(),
      modeOverride: flags.mode ?? null,
      maxTicks: flags['max-ticks'],
      monitor: renderer.sink,
      onReady: (controls) => interrupts.attach(controls),
    }).finally(() => {
      interrupts.dispose();
      renderer.close();
    });
    for (const w of result.warnings) this.addWarning(w);
    // An operator interrupt (Ctrl-C / SIGTERM) ends the daemon with 130, like any interrupted command line tool.
    if (interrupts.interrupted) process.exitCode = OUTCOME_EXIT_CODES.INTERRUPTED;
    if (!this.jsonEnabled()) {
      if (result.interrupted) this.log('interrupted: true');
      this.log(`run_mode: daemon\nactive_mode_id: ${result.active_mode_id}\nmode_override: ${result.mode_override ?? 'none'}\ncompiled_plan_id: ${result.compiled_plan_id}\nticks: ${result.ticks}`);
    }
    return result;
  }
}
