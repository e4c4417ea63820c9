import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { applyRunOnceMemoryPolicy } from '../../cli/daemon-memory.js';
import { handleInterrupts } from '../../cli/interrupt.js';
import { MillraceError, OUTCOME_EXIT_CODES } from '../../errors/index.js';
import type { RunOnceResult } from '../../runtime/run-use-cases.js';

export type { RunOnceResult };

export default class RunOnce extends BaseCommand {
  static override summary = 'Start the runtime, run one tick (at most one stage), and stop.';
  static override description =
    'Ctrl-C (SIGINT) or SIGTERM once: acknowledged at once; the running stage finishes and is applied, then the command exits 130. Twice: abandon the running stage now (its item is requeued).';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> run once', '<%= config.bin %> run once --mode default_command --json'];
  static override flags = {
    mode: Flags.string({ summary: 'Mode id overriding runtime.default_mode.' }),
    monitor: Flags.string({ summary: 'Progress lines: none (the live view) or basic.', default: 'none' }),
    'monitor-log': Flags.string({ summary: 'Append basic monitor lines to this file.' }),
  };

  async run(): Promise<RunOnceResult> {
    const { flags } = await this.parse(RunOnce);
    const monitorMode = flags.monitor.toLowerCase();
    if (monitorMode !== 'none' && monitorMode !== 'basic') throw new MillraceError('USAGE', `unknown monitor mode: ${flags.monitor}`, { field: 'monitor' });
    applyRunOnceMemoryPolicy();
    const { runOnce } = await import('../../runtime/run-use-cases.js');
    const { createRunRenderer } = await import('../../cli/run-renderer.js');
    const { openContributionsManifest } = await import('../../workspace/contributions-manifest.js');
    // Modes, loops and stage kinds from the contributions manifest; only the plugins of the runners the plan and config
    // can dispatch to run their hook (docs/development.md: the contributions manifest).
    const contributions = await this.runRegistry(openContributionsManifest);
    // The same live view as `run daemon`, for its one stage.
    const renderer = await createRunRenderer({ basic: monitorMode === 'basic', logPath: flags['monitor-log'] ?? null, progress: !this.jsonEnabled() && monitorMode === 'none' });
    const interrupts = handleInterrupts();
    const result = await runOnce({
      workspace: flags.workspace,
      registry: contributions.registry,
      listed: contributions,
      modeOverride: flags.mode ?? null,
      monitor: renderer.sink,
      onReady: (controls) => interrupts.attach(controls),
    }).finally(() => {
      interrupts.dispose();
      renderer.close();
    });
    await contributions.save();
    for (const w of result.warnings) this.addWarning(w);
    if (!this.jsonEnabled()) {
      this.log(`run_mode: once\nactive_mode_id: ${result.active_mode_id}\nmode_override: ${result.mode_override ?? 'none'}\ncompiled_plan_id: ${result.compiled_plan_id}\ntick_reason: ${result.tick_reason}`);
      // A stage failure is visible here, not three commands deep: the stage, its result, failure class and notes.
      if (result.stage) this.log(`stage: ${result.stage}\nterminal_result: ${result.terminal_result ?? 'none'}\nfailure_class: ${result.failure_class ?? 'none'}`);
      for (const note of result.notes) this.log(`note: ${note}`);
    }
    if (result.exit_code !== 0) process.exitCode = OUTCOME_EXIT_CODES.STAGE_FAILED;
    // Interrupted by the operator (Ctrl-C / SIGTERM): 130, like `run daemon`.
    if (interrupts.interrupted) process.exitCode = OUTCOME_EXIT_CODES.INTERRUPTED;
    return result;
  }
}
